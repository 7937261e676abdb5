/** OME-NGFF validation: structural rules over a hierarchy, and JSON Schema checks with the official schemas. */
module dev.ngff.validate {
    requires transitive dev.ngff.core;
    requires com.networknt.schema;

    exports dev.ngff.validate;
}
