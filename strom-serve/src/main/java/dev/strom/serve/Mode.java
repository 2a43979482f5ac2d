package dev.strom.serve;

/** What a job asks of the engine; the reference (image or clip) travels with the job as a file. */
public enum Mode {
    /** text to video */
    TEXT,
    /** image to video from an uploaded reference image */
    IMAGE,
    /** continue an existing clip */
    EXTEND,
    /** change an existing clip following a prompt */
    EDIT,
    /** remake a completed video under a new prompt from its own noise (the reference is that video) */
    REMIX
}
