using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

/// <summary>A fact that runs only where a CUDA device is present; elsewhere it is reported as skipped with the reason.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!CudaDriver.TryInitialize(out var reason))
        {
            Skip = "no CUDA device: " + reason;
        }
    }
}
