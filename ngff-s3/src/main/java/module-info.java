/** S3 and S3-compatible object stores for ngff-engine, on the AWS SDK for Java v2 async clients. */
module dev.ngff.s3 {
    requires transitive dev.ngff.core;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.nio.netty;
    requires static software.amazon.awssdk.http.crt;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.retries.api;
    requires org.reactivestreams;
    requires org.slf4j;

    exports dev.ngff.s3;

    provides dev.ngff.store.StoreProvider with dev.ngff.s3.S3StoreProvider;
}
