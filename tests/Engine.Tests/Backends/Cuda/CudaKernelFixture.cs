using ILGPU.Runtime;
using Kernels;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// One ILGPU CPU accelerator (KernelContext's small test device) and stream shared by the CUDA-kernel tests, which
/// run one at a time in their collection: each kernel compiles once, and the 2-core machine is not oversubscribed.
/// </summary>
public sealed class CudaKernelFixture : IDisposable
{
    public CudaKernelFixture()
    {
        Context = KernelContext.CreateCpu();
        Stream = Context.CreateStream();
    }

    public KernelContext Context { get; }

    public AcceleratorStream Stream { get; }

    public void Dispose()
    {
        Stream.Dispose();
        Context.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CudaKernelCollection : ICollectionFixture<CudaKernelFixture>
{
    public const string Name = "CUDA kernels on the CPU accelerator";
}
