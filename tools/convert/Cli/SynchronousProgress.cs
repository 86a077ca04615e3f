namespace ConvertTool.Cli;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lag the progress bar).</summary>
internal sealed class SynchronousProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);
}
