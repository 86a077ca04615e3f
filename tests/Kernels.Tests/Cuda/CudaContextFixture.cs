using Kernels.Cuda;

namespace Kernels.Tests.Cuda;

/// <summary>
/// One primary context on device 0 shared by the GPU test collection. Null where no device exists (every test using it
/// is a <see cref="CudaFactAttribute"/> and is skipped there). Tests call <see cref="Current"/>, which binds
/// the context to the thread xunit runs them on.
/// </summary>
public sealed class CudaContextFixture : IDisposable
{
    private readonly CudaContext? _context;

    public CudaContextFixture()
    {
        if (CudaDevice.IsAvailable)
        {
            _context = CudaContext.CreatePrimary(CudaDevice.Get(0));
        }
    }

    public CudaContext Current()
    {
        var context = _context ?? throw new InvalidOperationException("No CUDA device: this test should have been skipped.");
        context.MakeCurrent();
        return context;
    }

    public void Dispose() => _context?.Dispose();
}
