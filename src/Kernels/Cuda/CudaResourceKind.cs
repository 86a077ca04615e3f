namespace Kernels.Cuda;

/// <summary>Which driver call frees a <see cref="CudaResourceHandle"/>.</summary>
internal enum CudaResourceKind
{
    DeviceMemory,
    PinnedHostMemory,
    Module,
    Stream,
    Event,
}
