package dev.strom.cli;

import dev.strom.pipeline.VideoPipeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The `strom` command line. */
@Command(name = "strom", mixinStandardHelpOptions = true, versionProvider = StromCommand.Version.class,
        description = "Text-to-video with autoregressive normalizing flows (STARFlow-V) on the JVM.",
        subcommands = {GenerateCommand.class, BatchCommand.class, ExtendCommand.class, EditCommand.class, RemixCommand.class, TrainCommand.class, TrainDenoiserCommand.class, DemoFootageCommand.class, ScoreCommand.class, ClassifyCommand.class, InfoCommand.class, VocabularyCommand.class, MergeCommand.class, EvalCommand.class, ResultsCommand.class, ReferenceCheckCommand.class, BenchCommand.class, ServeCommand.class, VerifyCommand.class, InspectCommand.class, CommandLine.HelpCommand.class})
public final class StromCommand implements Runnable {

    /** Exit code for bad input of any kind. */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code; errors become one line on stderr. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new StromCommand());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("strom: " + ex.getMessage() + " (see 'strom --help')");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("strom: error: " + oneLine(ex));
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    static String oneLine(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        return msg.replaceAll("\\s*\\R\\s*", " ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"strom " + VideoPipeline.version()};
        }
    }
}
