/** Implementation details of the S3 store: request limits, retries, range coalescing, body collection. */
package dev.ngff.s3.internal;
