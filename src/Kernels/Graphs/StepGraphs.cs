namespace Kernels.Graphs;

/// <summary>
/// Decode steps as CUDA graphs, keyed by batch-size bucket. The first step of a bucket runs plain, which loads
/// every kernel and allocates every buffer (neither may happen under capture), then is captured; later steps of
/// that bucket replay the graph. A step runs plain, as before, when there is no capturer (the CPU accelerator),
/// when its batch is above every bucket, or when its bucket's capture failed (remembered, with the reason).
/// </summary>
/// <remarks>
/// The step delegate receives the bucket size and must pad its inputs to it: a graph replays fixed shapes and
/// fixed buffer addresses, so the step must write its per-step inputs into the same buffers every time.
/// </remarks>
public sealed class StepGraphs(GraphBuckets buckets, IGraphCapturer? capturer) : IDisposable
{
    private readonly Dictionary<int, IStepGraph> _graphs = [];
    private readonly Dictionary<int, string> _failures = [];

    public GraphBuckets Buckets { get; } = buckets ?? throw new ArgumentNullException(nameof(buckets));

    /// <summary>Buckets whose capture failed (our driver call or ILGPU refusing a launch under capture), with the message; they run plain from then on.</summary>
    public IReadOnlyDictionary<int, string> Failures => _failures;

    public int CapturedCount => _graphs.Count;

    /// <summary>Runs one step of <paramref name="batchSize"/> sequences; <paramref name="step"/> gets the (padded) size to launch for.</summary>
    public StepLaunch Run(int batchSize, Action<int> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var bucket = Buckets.BucketFor(batchSize);
        if (capturer is null || bucket is not { } size || _failures.ContainsKey(size))
        {
            step(bucket ?? batchSize);
            return StepLaunch.Plain;
        }
        if (_graphs.TryGetValue(size, out var graph))
        {
            graph.Launch();
            return StepLaunch.Graph;
        }
        step(size);
        try
        {
            _graphs[size] = capturer.Capture(() => step(size));
            return StepLaunch.WarmedUpAndCaptured;
        }
        catch (Exception e) when (e is Cuda.CudaException or ILGPU.Runtime.AcceleratorException or InvalidOperationException or NotSupportedException)
        {
            _failures[size] = e.Message;
            return StepLaunch.Plain;
        }
    }

    public void Dispose()
    {
        foreach (var graph in _graphs.Values)
        {
            graph.Dispose();
        }
        _graphs.Clear();
    }
}
