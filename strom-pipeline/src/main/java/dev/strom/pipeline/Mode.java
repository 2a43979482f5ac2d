package dev.strom.pipeline;

import dev.strom.video.Generation;

/**
 * What a user asks for, as the CLI's commands and the API's endpoints name it, and what that means for the
 * engine: which of its modes runs, and what the source file (if any) is read as. Stored with server jobs by name.
 */
public enum Mode {
    /** text to video */
    TEXT(Generation.Mode.CONTINUE, Source.NONE),
    /** image to video: the still becomes frame 0 */
    IMAGE(Generation.Mode.CONTINUE, Source.STILL),
    /** continue an existing clip */
    EXTEND(Generation.Mode.CONTINUE, Source.CLIP),
    /** change an existing clip following an instruction */
    EDIT(Generation.Mode.EDIT, Source.CLIP),
    /** remake a clip under a new prompt from its own noise */
    REMIX(Generation.Mode.REMIX, Source.CLIP);

    /** What the source file is read as: nothing, its first frame, or every frame (at the model's size and fps). */
    public enum Source { NONE, STILL, CLIP }

    private final Generation.Mode engine;
    private final Source source;

    Mode(Generation.Mode engine, Source source) {
        this.engine = engine;
        this.source = source;
    }

    /** The engine's mode this one runs. */
    public Generation.Mode engine() {
        return engine;
    }

    public Source source() {
        return source;
    }

    /** The result is the source's length (an edit or a remix) rather than a length of its own. */
    public boolean keepsSourceLength() {
        return engine != Generation.Mode.CONTINUE;
    }
}
