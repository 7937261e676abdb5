/** Helpers of copies and conversions that the ngff command shares: sizes, layouts, memory budgets. Not API. */
package dev.ngff.convert.internal;
