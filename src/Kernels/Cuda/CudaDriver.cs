namespace Kernels.Cuda;

/// <summary>
/// The process-wide driver state: loads <c>libcuda.so.1</c>, calls <c>cuInit</c> once and counts devices. A
/// machine without a driver or a device is an ordinary outcome here, reported as a reason string, never an
/// exception, so the engine can fall back to the CPU.
/// </summary>
public static unsafe class CudaDriver
{
    private static readonly Lock Gate = new();
    private static bool _attempted;
    private static bool _ready;
    private static string _reason = "";
    private static int _version;
    private static int _deviceCount;

    /// <summary>
    /// Initialises the driver once per process. Returns true when the driver loaded, <c>cuInit</c> succeeded and
    /// at least one device exists; otherwise false with <paramref name="reason"/> saying which step failed (for
    /// example "libcuda.so.1 not found (also tried libcuda.so)" or "cuInit failed with CUDA_ERROR_NO_DEVICE").
    /// Later calls return the cached outcome. Never throws.
    /// </summary>
    public static bool TryInitialize(out string reason)
    {
        lock (Gate)
        {
            if (!_attempted)
            {
                _attempted = true;
                _ready = Initialize(out _reason, out _version, out _deviceCount);
            }
            reason = _reason;
            return _ready;
        }
    }

    /// <summary>Initialises the driver or throws <see cref="InvalidOperationException"/> with the reason.</summary>
    public static void EnsureInitialized()
    {
        if (!TryInitialize(out var reason))
        {
            throw new InvalidOperationException("CUDA is not available: " + reason);
        }
    }

    /// <summary>The driver's CUDA version as <c>cuDriverGetVersion</c> encodes it (1000 × major + 10 × minor, e.g. 12040).</summary>
    public static int Version
    {
        get
        {
            EnsureInitialized();
            return _version;
        }
    }

    /// <summary>The number of CUDA devices; 0 when the driver is unavailable.</summary>
    public static int DeviceCount => TryInitialize(out _) ? _deviceCount : 0;

    private static bool Initialize(out string reason, out int version, out int deviceCount)
    {
        version = 0;
        deviceCount = 0;
        if (!CudaLibrary.TryLoad(out reason))
        {
            return false;
        }
        try
        {
            var result = CudaNative.cuInit(0);
            if (result != CuResult.Success)
            {
                reason = "cuInit failed with " + CudaErrorText.NameOf(result);
                return false;
            }
            int v, count;
            CudaCheck.Ok(CudaNative.cuDriverGetVersion(&v), "cuDriverGetVersion");
            CudaCheck.Ok(CudaNative.cuDeviceGetCount(&count), "cuDeviceGetCount");
            version = v;
            deviceCount = count;
            if (count == 0)
            {
                reason = "the CUDA driver reports no device";
                return false;
            }
            reason = "";
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or CudaException)
        {
            // A stub libcuda (as in containers without a GPU) or an incompatible driver: report, don't crash.
            reason = e.Message;
            return false;
        }
    }
}
