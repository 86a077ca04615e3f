using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// The few driver API entry points ILGPU has no API for: CUDA graph capture and launch, and function
/// attributes. (The sm_90a path loads its patched PTX through ILGPU's own loader, see Ptx/Sm90aPtx.cs.) Bound by exact exported name: where <c>cuda.h</c> maps a
/// name to a versioned symbol (<c>#define cuStreamBeginCapture cuStreamBeginCapture_v2</c>) the versioned one is
/// bound. Handles (CUstream, CUgraph, CUgraphExec, CUmodule, CUfunction) are <c>nint</c>.
/// </summary>
internal static unsafe partial class CudaNative
{
    // Explicit static constructor: the type is not beforefieldinit, so this runs before any import is called.
    static CudaNative() => CudaLibrary.RegisterResolver();

    private const string Lib = CudaLibrary.ImportName;

    // Errors.
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorName(CuResult error, byte** text);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorString(CuResult error, byte** text);

    // Graphs: capture a stream's launches, instantiate once, replay.
    [LibraryImport(Lib, EntryPoint = "cuStreamBeginCapture_v2")] internal static partial CuResult cuStreamBeginCapture(nint stream, CuStreamCaptureMode mode);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamEndCapture(nint stream, nint* graph);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphInstantiateWithFlags(nint* graphExec, nint graph, ulong flags);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphLaunch(nint graphExec, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphExecDestroy(nint graphExec);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphDestroy(nint graph);

    // Functions: more than 48 KB of dynamic shared memory must be opted into per function.
    [LibraryImport(Lib)] internal static partial CuResult cuFuncSetAttribute(nint function, CuFunctionAttribute attribute, int value);
}
