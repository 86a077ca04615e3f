using Kernels.Graphs;

namespace Kernels.Cuda;

/// <summary>
/// Stream capture through the driver (ILGPU has no graph API): cuStreamBeginCapture_v2 in thread-local mode on
/// the pipeline's non-blocking stream (the legacy NULL stream cannot be captured), the step's launches,
/// cuStreamEndCapture, cuGraphInstantiateWithFlags; the graph itself is destroyed once instantiated.
/// </summary>
internal sealed unsafe class CudaGraphCapturer(nint stream) : IGraphCapturer
{
    public IStepGraph Capture(Action record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CudaCheck.Ok(CudaNative.cuStreamBeginCapture(stream, CuStreamCaptureMode.ThreadLocal), "cuStreamBeginCapture_v2");
        nint graph = 0;
        try
        {
            record();
        }
        catch
        {
            // End the capture so the stream is usable again; the partial graph is discarded.
            if (CudaNative.cuStreamEndCapture(stream, &graph) == CuResult.Success && graph != 0)
            {
                _ = CudaNative.cuGraphDestroy(graph);
            }
            throw;
        }
        CudaCheck.Ok(CudaNative.cuStreamEndCapture(stream, &graph), "cuStreamEndCapture");
        try
        {
            nint exec;
            CudaCheck.Ok(CudaNative.cuGraphInstantiateWithFlags(&exec, graph, 0), "cuGraphInstantiateWithFlags");
            return new CudaStepGraph(exec, stream);
        }
        finally
        {
            _ = CudaNative.cuGraphDestroy(graph);
        }
    }

    private sealed class CudaStepGraph(nint exec, nint stream) : IStepGraph
    {
        private nint _exec = exec;

        public void Launch()
        {
            ObjectDisposedException.ThrowIf(_exec == 0, this);
            CudaCheck.Ok(CudaNative.cuGraphLaunch(_exec, stream), "cuGraphLaunch");
        }

        public void Dispose()
        {
            if (_exec != 0)
            {
                _ = CudaNative.cuGraphExecDestroy(_exec);
                _exec = 0;
            }
        }
    }
}
