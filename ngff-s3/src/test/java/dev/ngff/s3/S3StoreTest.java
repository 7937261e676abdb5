package dev.ngff.s3;

/**
 * The full store contract against an S3 server in process (S3Mock on 127.0.0.1), conditional writes one
 * at a time included; {@link MinioStoreTest} runs the same contract, races included, against MinIO.
 */
class S3StoreTest extends S3StoreContract {

    @Override
    protected S3Options options() {
        return S3TestServer.options().build();
    }

    @Override
    protected S3Location freshLocation() {
        return S3TestServer.freshLocation();
    }

    /**
     * S3Mock 5.2.0 honours If-None-Match and If-Match one request at a time, but checks and writes in
     * two steps: of 8 threads racing to create one key, 2 won a round, and racing compare-and-set lost
     * updates (checked 2026-12-06). {@link MinioStoreTest} runs the races against MinIO.
     */
    @Override
    protected String racesNotJudgedBecause() {
        return "S3Mock checks conditions and writes in two steps (2 winners of a create race seen); MinioStoreTest runs them";
    }
}
