/** Raw binary files (a C- or F-order dump of one array) as conversion sources. */
package dev.ngff.raw;
