using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Cuda;
using Engine.Model;
using Kernels;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The CPU backend (the reference) and the CUDA backend on ILGPU's CPU accelerator side by side, with helpers that
/// put the same host values into a buffer of each and read buffers back, so a test runs one op on both.
/// </summary>
internal sealed class BackendPair : IDisposable
{
    public BackendPair(KernelContext context, DType kvCacheDType = DType.F32)
    {
        Cpu = new CpuBackend(threads: 1);
        Gpu = new CudaBackend(context, ownsContext: false, kvCacheDType);
    }

    public CpuBackend Cpu { get; }

    public CudaBackend Gpu { get; }

    public (IDeviceBuffer Cpu, IDeviceBuffer Gpu) Buffers(int rows, int cols, float[]? values = null)
    {
        var c = Cpu.AllocateBuffer(rows, cols);
        var g = Gpu.AllocateBuffer(rows, cols);
        if (values is not null)
        {
            Fill(c, g, values);
        }
        return (c, g);
    }

    /// <summary>Writes <paramref name="values"/> to the first rows of both buffers; <paramref name="cpuValues"/> (default: the same) may differ (pre-rounded).</summary>
    public static void Fill(IDeviceBuffer cpu, IDeviceBuffer gpu, float[] values, float[]? cpuValues = null)
    {
        (cpuValues ?? values).CopyTo(((CpuBuffer)cpu).Data, 0);
        ILGPU.ArrayView<float> view = ((CudaBuffer)gpu).View;
        ILGPU.Runtime.ArrayViewExtensions.CopyFromCPU(view.SubView(0, values.Length), values);
    }

    public (IDeviceWeight Cpu, IDeviceWeight Gpu) Weights(WeightTensor tensor) => (Cpu.LoadWeight(tensor), Gpu.LoadWeight(tensor));

    public float[] ReadCpu(IDeviceBuffer buffer, int rows)
    {
        var result = new float[rows * buffer.Cols];
        Cpu.CopyToHost(buffer, rows, result);
        return result;
    }

    public float[] ReadGpu(IDeviceBuffer buffer, int rows)
    {
        var result = new float[rows * buffer.Cols];
        Gpu.CopyToHost(buffer, rows, result);
        return result;
    }

    public void Dispose()
    {
        Cpu.Dispose();
        Gpu.Dispose();
    }
}
