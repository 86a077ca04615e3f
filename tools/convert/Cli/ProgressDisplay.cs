using Spectre.Console;

namespace ConvertTool.Cli;

/// <summary>
/// Runs a long conversion with a live progress bar on an interactive terminal and plain lines otherwise.
/// A live display takes Spectre's exclusive console lock, so two of them at once throw; redirected output
/// (CI logs, pipes, tests running commands in parallel) gets no bar and no lock, only the label.
/// </summary>
internal static class ProgressDisplay
{
    public static void Run(string label, Action<IProgress<double>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.MarkupLineInterpolated($"{label}...");
            work(new SynchronousProgress(_ => { }));
            return;
        }
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask(Markup.Escape(label), maxValue: 1.0);
            work(new SynchronousProgress(fraction => task.Value = fraction));
        });
    }
}
