namespace Kernels.Graphs;

/// <summary>Records the launches a step makes on one stream into a replayable graph (CUDA: stream capture).</summary>
public interface IGraphCapturer
{
    /// <summary>Runs <paramref name="record"/> under capture and instantiates what it launched; throws when the driver refuses.</summary>
    IStepGraph Capture(Action record);
}

/// <summary>An instantiated graph: <see cref="Launch"/> replays every captured launch on the capture stream.</summary>
public interface IStepGraph : IDisposable
{
    void Launch();
}
