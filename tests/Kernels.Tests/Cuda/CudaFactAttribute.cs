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

    /// <summary>
    /// The test needs kernels to really execute: skipped under FakeDriver/run-tests.sh (which sets
    /// FAKECUDA_REPORT), whose libcuda stand-in emulates only a few named entries.
    /// </summary>
    public bool ExecutesPtx
    {
        get => _executesPtx;
        init
        {
            _executesPtx = value;
            if (value && Skip is null && Environment.GetEnvironmentVariable("FAKECUDA_REPORT") is not null)
            {
                Skip = FakeDriverSkip;
            }
        }
    }

    private const string FakeDriverSkip = "the fake libcuda cannot execute PTX";

    private readonly bool _executesPtx;
}
