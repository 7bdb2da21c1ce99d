using Spectre.Console;

namespace FlowMachine.Cli.Output;

/// <summary>The two writers a verb prints to, whether each is an interactive terminal, and the clock verbs read.</summary>
internal sealed class CliIO(TextWriter stdout, TextWriter stderr, TimeProvider? time = null)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    /// <summary>The clock for times a verb records (saved routines, new users); the system clock unless a caller passes one.</summary>
    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>True when <paramref name="writer"/> is the real console and not redirected (tests never are).</summary>
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>A Spectre console over <paramref name="writer"/>: colours only on a terminal, wide enough for ids elsewhere.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        var terminal = IsTerminal(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            // Files and pipes have no width; 80 columns would wrap 32-character flow ids.
            console.Profile.Width = 160;
        }

        return console;
    }
}
