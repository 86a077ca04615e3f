namespace Kernels.Graphs;

/// <summary>How <see cref="StepGraphs.Run"/> ran a step.</summary>
public enum StepLaunch
{
    /// <summary>Plain launches: no capturer (CPU), a batch above every bucket, or a bucket whose capture failed.</summary>
    Plain,

    /// <summary>First step of a bucket: a plain warm-up pass (it computes this step), then the capture.</summary>
    WarmedUpAndCaptured,

    /// <summary>The bucket's graph was replayed.</summary>
    Graph,
}
