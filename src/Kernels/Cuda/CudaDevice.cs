using System.Globalization;
using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// One GPU and the properties kernels are tuned against, read once when the device is opened.
/// </summary>
public sealed unsafe class CudaDevice
{
    private CudaDevice(int ordinal, int handle)
    {
        Ordinal = ordinal;
        Handle = handle;
        Name = ReadName(handle);
        nuint totalBytes;
        CudaCheck.Ok(CudaNative.cuDeviceTotalMem(&totalBytes, handle), "cuDeviceTotalMem_v2");
        TotalMemoryBytes = (long)totalBytes;
        ComputeCapability = new ComputeCapability(
            GetAttribute(CuDeviceAttribute.ComputeCapabilityMajor),
            GetAttribute(CuDeviceAttribute.ComputeCapabilityMinor));
        MultiprocessorCount = GetAttribute(CuDeviceAttribute.MultiprocessorCount);
        WarpSize = GetAttribute(CuDeviceAttribute.WarpSize);
        MaxThreadsPerBlock = GetAttribute(CuDeviceAttribute.MaxThreadsPerBlock);
        MaxSharedMemoryPerBlock = GetAttribute(CuDeviceAttribute.MaxSharedMemoryPerBlock);
        MaxSharedMemoryPerBlockOptin = GetAttribute(CuDeviceAttribute.MaxSharedMemoryPerBlockOptin);
        MaxSharedMemoryPerMultiprocessor = GetAttribute(CuDeviceAttribute.MaxSharedMemoryPerMultiprocessor);
        ClockRateKHz = GetAttribute(CuDeviceAttribute.ClockRate);
        MemoryClockRateKHz = GetAttribute(CuDeviceAttribute.MemoryClockRate);
        MemoryBusWidthBits = GetAttribute(CuDeviceAttribute.GlobalMemoryBusWidth);
        L2CacheBytes = GetAttribute(CuDeviceAttribute.L2CacheSize);
    }

    /// <summary>True when the driver initialised and at least one device exists. Never throws.</summary>
    public static bool IsAvailable => CudaDriver.TryInitialize(out _);

    /// <summary>Opens device <paramref name="ordinal"/> (0-based, below <see cref="CudaDriver.DeviceCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The driver is unavailable; the message carries the reason.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No device has that ordinal.</exception>
    public static CudaDevice Get(int ordinal = 0)
    {
        CudaDriver.EnsureInitialized();
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, CudaDriver.DeviceCount);
        int handle;
        CudaCheck.Ok(CudaNative.cuDeviceGet(&handle, ordinal), "cuDeviceGet");
        return new CudaDevice(ordinal, handle);
    }

    public int Ordinal { get; }

    public string Name { get; }

    public ComputeCapability ComputeCapability { get; }

    public long TotalMemoryBytes { get; }

    public int MultiprocessorCount { get; }

    public int WarpSize { get; }

    public int MaxThreadsPerBlock { get; }

    /// <summary>Static plus dynamic shared memory a block gets without opting in (48 KiB on every current GPU).</summary>
    public int MaxSharedMemoryPerBlock { get; }

    /// <summary>
    /// The most shared memory one block may use after opting in with
    /// <see cref="CudaFunction.SetMaxDynamicSharedMemory"/> (227 KiB on H100).
    /// </summary>
    public int MaxSharedMemoryPerBlockOptin { get; }

    public int MaxSharedMemoryPerMultiprocessor { get; }

    /// <summary>Peak SM clock in kHz.</summary>
    public int ClockRateKHz { get; }

    /// <summary>Peak memory clock in kHz.</summary>
    public int MemoryClockRateKHz { get; }

    public int MemoryBusWidthBits { get; }

    public int L2CacheBytes { get; }

    /// <summary>
    /// Theoretical DRAM bandwidth in GB/s (10^9 bytes): 2 transfers per clock × memory clock × bus width / 8,
    /// the figure vendors quote. Measured copies reach roughly 80–90% of it.
    /// </summary>
    public double PeakMemoryBandwidthGBps => 2.0 * MemoryClockRateKHz * 1e3 * (MemoryBusWidthBits / 8.0) / 1e9;

    internal int Handle { get; }

    /// <summary>Reads any <c>CUdevice_attribute</c>; cast a header number to <see cref="CuDeviceAttribute"/> for one not named.</summary>
    public int GetAttribute(CuDeviceAttribute attribute)
    {
        int value;
        CudaCheck.Ok(CudaNative.cuDeviceGetAttribute(&value, attribute, Handle), "cuDeviceGetAttribute");
        return value;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name} (sm_{ComputeCapability.Major}{ComputeCapability.Minor}, {MultiprocessorCount} SMs, {TotalMemoryBytes / (1024 * 1024)} MiB)");

    private static string ReadName(int handle)
    {
        const int capacity = 256;
        var buffer = stackalloc byte[capacity];
        CudaCheck.Ok(CudaNative.cuDeviceGetName(buffer, capacity, handle), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }
}
