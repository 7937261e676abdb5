/** Helpers shared by the codecs of this module; not exported. */
package dev.ngff.codecs.internal;
