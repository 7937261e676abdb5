package dev.ngff.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Metadata of a node in a hierarchy: an array or a group. */
public sealed interface NodeMetadata permits ArrayMetadata, GroupMetadata {
    int zarrFormat();

    ObjectNode attributes();
}
