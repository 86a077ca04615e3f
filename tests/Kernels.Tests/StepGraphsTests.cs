using Kernels.Graphs;

namespace Kernels.Tests;

public sealed class StepGraphsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(5, 8)]
    [InlineData(9, 16)]
    [InlineData(32, 32)]
    public void BucketFor_GivesTheSmallestBucketAtLeastTheBatch(int batch, int bucket) =>
        Assert.Equal(bucket, GraphBuckets.UpTo(32).BucketFor(batch));

    [Fact]
    public void BucketFor_IsNull_AboveTheLargestBucket() => Assert.Null(GraphBuckets.UpTo(32).BucketFor(33));

    [Fact]
    public void UpTo_CountsLikeVllm_AndEndsAtTheFirstSizeReachingMax()
    {
        Assert.Equal([1, 2, 4, 8, 16, 24], GraphBuckets.UpTo(20).Sizes);
        Assert.Equal([1, 2, 4], GraphBuckets.UpTo(3).Sizes);
        Assert.Equal([1], GraphBuckets.UpTo(1).Sizes);
    }

    [Fact]
    public void Constructor_SortsAndMerges_AndRejectsNonPositiveSizes()
    {
        Assert.Equal([2, 8], new GraphBuckets([8, 2, 8]).Sizes);
        Assert.Throws<ArgumentException>(() => new GraphBuckets([0, 4]));
        Assert.Throws<ArgumentException>(() => new GraphBuckets([]));
    }

    [Fact]
    public void Run_WarmsUpThenCaptures_ThenReplays_PerBucket()
    {
        var capturer = new FakeCapturer();
        using var graphs = new StepGraphs(GraphBuckets.UpTo(8), capturer);
        var plainRuns = new List<int>();

        Assert.Equal(StepLaunch.WarmedUpAndCaptured, graphs.Run(3, plainRuns.Add));
        Assert.Equal(StepLaunch.Graph, graphs.Run(4, plainRuns.Add));
        Assert.Equal(StepLaunch.Graph, graphs.Run(3, plainRuns.Add));
        Assert.Equal(StepLaunch.WarmedUpAndCaptured, graphs.Run(1, plainRuns.Add));

        // The warm-up pass and the captured pass each ran the step at the padded size; replays ran no step code.
        Assert.Equal([4, 4, 1, 1], plainRuns);
        Assert.Equal(2, capturer.Graphs.Count);
        Assert.Equal(2, capturer.Graphs[0].Launches);
        Assert.Equal(2, graphs.CapturedCount);
    }

    [Fact]
    public void Run_FallsBackToPlainLaunches_WhenCaptureFails_AndRemembersWhy()
    {
        var capturer = new FakeCapturer { Fail = true };
        using var graphs = new StepGraphs(GraphBuckets.UpTo(8), capturer);
        var runs = 0;

        Assert.Equal(StepLaunch.Plain, graphs.Run(2, _ => runs++));
        Assert.Equal(StepLaunch.Plain, graphs.Run(2, _ => runs++));

        Assert.Equal(1, capturer.Attempts);
        // The warm-up pass computed the first step; the refused capture ran nothing; the second step ran plain.
        Assert.Equal(2, runs);
        Assert.Contains("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", graphs.Failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_IsPlain_AboveTheLargestBucket_AndWithoutACapturer()
    {
        var capturer = new FakeCapturer();
        using var graphs = new StepGraphs(GraphBuckets.UpTo(8), capturer);
        var sizes = new List<int>();
        Assert.Equal(StepLaunch.Plain, graphs.Run(9, sizes.Add));
        Assert.Equal(0, capturer.Attempts);

        using var cpu = new StepGraphs(GraphBuckets.UpTo(8), capturer: null);
        Assert.Equal(StepLaunch.Plain, cpu.Run(3, sizes.Add));
        Assert.Equal([9, 4], sizes);
    }

    [Fact]
    public void Dispose_DisposesEveryGraph()
    {
        var capturer = new FakeCapturer();
        var graphs = new StepGraphs(GraphBuckets.UpTo(8), capturer);
        graphs.Run(1, _ => { });
        graphs.Run(5, _ => { });
        graphs.Dispose();
        Assert.All(capturer.Graphs, g => Assert.True(g.Disposed));
    }

    [Fact]
    public void StepGraphs_OnTheCpuAccelerator_RunPlain()
    {
        var context = Backends.Get("cpu");
        using var stream = context.CreateStream();
        using var graphs = context.CreateStepGraphs(stream, GraphBuckets.UpTo(4));
        Assert.Equal(StepLaunch.Plain, graphs.Run(2, _ => { }));
    }

    private sealed class FakeCapturer : IGraphCapturer
    {
        public bool Fail { get; init; }

        public int Attempts { get; private set; }

        public List<FakeGraph> Graphs { get; } = [];

        public IStepGraph Capture(Action record)
        {
            Attempts++;
            if (Fail)
            {
                throw new Kernels.Cuda.CudaException("cuStreamBeginCapture_v2", Kernels.Cuda.CuResult.ErrorStreamCaptureUnsupported);
            }
            record();
            var graph = new FakeGraph();
            Graphs.Add(graph);
            return graph;
        }
    }

    private sealed class FakeGraph : IStepGraph
    {
        public int Launches { get; private set; }

        public bool Disposed { get; private set; }

        public void Launch() => Launches++;

        public void Dispose() => Disposed = true;
    }
}
