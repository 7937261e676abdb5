/**
 * S3 and S3-compatible object stores: {@link dev.ngff.s3.S3Store}, its {@link dev.ngff.s3.S3Options},
 * {@link dev.ngff.s3.S3Location} ({@code s3://bucket/prefix} URIs) and the
 * {@link dev.ngff.s3.S3StoreProvider} through which {@link dev.ngff.store.Stores} opens them.
 */
package dev.ngff.s3;
