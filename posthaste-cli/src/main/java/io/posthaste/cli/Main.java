package io.posthaste.cli;

import io.posthaste.ClientSession;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code posthaste} command's entry point: {@code posthaste demo}, {@code posthaste serve},
 * {@code posthaste bench}, {@code posthaste ws} (a WebSocket, {@link WsCommand}), or a request in
 * httpie's syntax ({@link RequestCommand}). Failures are one line on stderr
 * ({@code posthaste: connection refused: GET http://127.0.0.1:9/}) and an {@link ExitCode};
 * {@code --debug} adds the stack trace.
 */
public final class Main {

    private Main() {}

    /** Runs the command with the process's streams and exits with its status. */
    public static void main(String[] args) {
        int code = run(args, Terminal.system());
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs the command and returns its exit status; never calls {@link System#exit}, so tests
     * can run it in-process with their own {@link Terminal}.
     */
    public static int run(String[] args, Terminal terminal) {
        CommandLine line = new CommandLine(new RequestCommand(terminal))
                .addSubcommand("demo", new DemoCommand(terminal))
                .addSubcommand("serve", new ServeCommand(terminal))
                .addSubcommand("bench", new BenchCommand(terminal))
                .addSubcommand("ws", new WsCommand(terminal));
        // "@file" is a request item (the body from a file), not a picocli argument file.
        line.setExpandAtFiles(false);
        HelpText.install(line, terminal);
        line.setOut(new PrintWriter(terminal.out(), true));
        line.setErr(new PrintWriter(terminal.err(), true));
        line.setParameterExceptionHandler((problem, arguments) -> {
            terminal.err().println("posthaste: " + problem.getMessage() + " (see posthaste --help)");
            return ExitCode.USAGE;
        });
        line.setExecutionExceptionHandler(
                (failure, command, parsed) -> report(failure, null, terminal, parsed.hasMatchedOption("--debug")));
        return line.execute(args);
    }

    /** Prints {@code failure} as one line (and its stack trace with {@code debug}); returns its exit code. */
    static int report(Throwable failure, String what, Terminal terminal, boolean debug) {
        Errors.Report report = Errors.describe(failure, what);
        terminal.err().println("posthaste: " + report.message());
        if (debug) {
            failure.printStackTrace(terminal.err());
        }
        terminal.err().flush();
        return report.exitCode();
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "posthaste " + ClientSession.VERSION + " (Java " + System.getProperty("java.version") + ")"
            };
        }
    }
}
