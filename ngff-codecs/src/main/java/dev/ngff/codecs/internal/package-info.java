/**
 * Helpers shared by the codecs and codec providers of this module (heap byte access, configuration
 * reading with errors that name the codec and field). Not exported: nothing here is API.
 */
package dev.ngff.codecs.internal;
