using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

[Collection(CudaCollection.Name)]
public sealed class CudaModuleTests(CudaContextFixture fixture)
{
    private const int BlockSize = 256;

    // Sizes straddle a warp (32) and a block (256) so both tails run; the last one needs 257 blocks.
    public static TheoryData<int> Lengths() => [1, 31, 32, 33, 255, 256, 257, 65537];

    [CudaTheory]
    [MemberData(nameof(Lengths))]
    public void VectorAdd_WritesElementwiseSum_ForEveryLength(int n)
    {
        var context = fixture.Current();
        var (a, b) = (Sequence(n, 0.5f), Sequence(n, -0.25f));
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        using var dA = Upload(context, a);
        using var dB = Upload(context, b);
        using var dC = DeviceBuffer<float>.Allocate(context, n + 1);
        dC.Fill32(BitConverter.SingleToUInt32Bits(-7f)); // Sentinel: the element past n must stay untouched.

        var args = new KernelArguments();
        args.Add(dC);
        args.Add(dA);
        args.Add(dB);
        args.Add((uint)n);
        vectorAdd.Launch(Dim3.BlocksFor(n, BlockSize), BlockSize, 0, null, in args);
        var c = new float[n + 1];
        dC.CopyTo(c);

        // a[i] + b[i] of two exactly representable floats is exact in fp32 (both are multiples of 1/4 below 2^20).
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(a[i] + b[i], c[i]);
        }
        Assert.Equal(-7f, c[n]);
    }

    [CudaFact]
    public void LaunchWithRawPointerArray_MatchesKernelArguments()
    {
        var context = fixture.Current();
        const uint n = 1000;
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        using var dA = Upload(context, Sequence((int)n, 1f));
        using var dB = Upload(context, Sequence((int)n, 2f));
        using var dC = DeviceBuffer<float>.Allocate(context, n);
        using var stream = CudaStream.Create(context);

        unsafe
        {
            var (c, a, b, count) = (dC.Pointer, dA.Pointer, dB.Pointer, n);
            ReadOnlySpan<nint> pointers = [(nint)(&c), (nint)(&a), (nint)(&b), (nint)(&count)];
            vectorAdd.Launch(Dim3.BlocksFor(n, BlockSize), BlockSize, 0, stream, pointers);
        }
        stream.Synchronize();
        var result = new float[n];
        dC.CopyTo(result);

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(((i * 0.25f) + 1f) + ((i * 0.25f) + 2f), result[i]);
        }
    }

    [CudaFact]
    public void BandwidthCopyKernel_CopiesExactlyTheRequestedVectors()
    {
        var context = fixture.Current();
        const int n4 = 100_003; // Not a multiple of the grid: the grid-stride loop's tail runs.
        var source = new int[(n4 + 1) * 4];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = i * 7;
        }
        using var module = CudaModule.LoadPtx(context, BandwidthCopyPtx.Text);
        var copy = module.GetFunction(BandwidthCopyPtx.Entry);
        using var dSource = Upload(context, source);
        using var dDestination = DeviceBuffer<int>.Allocate(context, source.Length);
        dDestination.Fill32(0xDEADBEEF);

        var args = new KernelArguments();
        args.Add(dDestination);
        args.Add(dSource);
        args.Add((ulong)n4);
        copy.Launch(context.Device.MultiprocessorCount * 2, BlockSize, 0, null, in args);
        var back = new int[source.Length];
        dDestination.CopyTo(back);

        Assert.Equal(source.AsSpan(0, n4 * 4).ToArray(), back.AsSpan(0, n4 * 4).ToArray());
        Assert.All(back.AsSpan(n4 * 4).ToArray(), v => Assert.Equal(unchecked((int)0xDEADBEEF), v));
    }

    [CudaFact]
    public void LoadPtx_ThrowsWithJitErrorLog_WhenPtxIsInvalid()
    {
        var context = fixture.Current();

        var e = Assert.Throws<CudaException>(() => CudaModule.LoadPtx(context, TestPtx.UndeclaredRegister));

        Assert.Equal("cuModuleLoadDataEx", e.Call);
        Assert.Equal(CuResult.ErrorInvalidPtx, e.Result);
        Assert.NotNull(e.Detail);
        Assert.Contains("%r9", e.Detail, StringComparison.Ordinal);
        Assert.Contains("JIT error log", e.Message, StringComparison.Ordinal);
    }

    [CudaFact]
    public void GetFunction_ThrowsNotFoundNamingTheEntry_WhenEntryIsMissing()
    {
        var context = fixture.Current();
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);

        var e = Assert.Throws<CudaException>(() => module.GetFunction("vector_mul"));

        Assert.Equal(CuResult.ErrorNotFound, e.Result);
        Assert.Contains("vector_mul", e.Message, StringComparison.Ordinal);
    }

    [CudaFact]
    public void Launch_ThrowsInvalidValueNamingKernelAndShape_WhenBlockIsTooLarge()
    {
        var context = fixture.Current();
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        using var dC = DeviceBuffer<float>.Allocate(context, 1);

        var e = Assert.Throws<CudaException>(() =>
        {
            var args = new KernelArguments();
            args.Add(dC);
            args.Add(dC);
            args.Add(dC);
            args.Add(1u);
            vectorAdd.Launch(1, 2048, 0, null, in args); // Every CUDA GPU caps a block at 1024 threads.
        });

        Assert.Equal(CuResult.ErrorInvalidValue, e.Result);
        Assert.Contains("vector_add", e.Message, StringComparison.Ordinal);
        Assert.Contains("block (2048, 1, 1)", e.Message, StringComparison.Ordinal);
    }

    [CudaFact]
    public void FunctionAttributesDescribeTheCompiledKernel()
    {
        var context = fixture.Current();
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");

        Assert.Equal("vector_add", vectorAdd.Name);
        Assert.InRange(vectorAdd.RegisterCount, 1, 255);
        Assert.Equal(0, vectorAdd.StaticSharedBytes);
        Assert.Equal(1024, vectorAdd.MaxThreadsPerBlock);
    }

    [CudaFact]
    public void Occupancy_FitsTheSmThreadLimit()
    {
        var context = fixture.Current();
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        var threadsPerSm = context.Device.GetAttribute(CuDeviceAttribute.MaxThreadsPerMultiprocessor);

        var blocks = vectorAdd.MaxActiveBlocksPerMultiprocessor(BlockSize);

        // A few registers per thread leave the thread limit as the binding one: it must allow at least one block.
        Assert.InRange(blocks, 1, threadsPerSm / BlockSize);
    }

    [CudaFact]
    public void SetMaxDynamicSharedMemory_AcceptsTheOptInLimit()
    {
        var context = fixture.Current();
        using var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        var limit = context.Device.MaxSharedMemoryPerBlockOptin;

        vectorAdd.SetMaxDynamicSharedMemory(limit);

        Assert.Equal(limit, vectorAdd.GetAttribute(CuFunctionAttribute.MaxDynamicSharedSizeBytes));
        var e = Assert.Throws<CudaException>(() => vectorAdd.SetMaxDynamicSharedMemory(limit + 1));
        Assert.Equal(CuResult.ErrorInvalidValue, e.Result);
    }

    [CudaFact]
    public void Launch_ThrowsObjectDisposed_WhenModuleWasDisposed()
    {
        var context = fixture.Current();
        var module = CudaModule.LoadPtx(context, TestPtx.VectorAdd);
        var vectorAdd = module.GetFunction("vector_add");
        module.Dispose();

        Assert.Throws<ObjectDisposedException>(() => vectorAdd.Launch(1, 32, 0, null, ReadOnlySpan<nint>.Empty));
    }

    private static DeviceBuffer<T> Upload<T>(CudaContext context, T[] values)
        where T : unmanaged
    {
        var buffer = DeviceBuffer<T>.Allocate(context, values.Length);
        buffer.CopyFrom(values);
        return buffer;
    }

    private static float[] Sequence(int n, float offset)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (i * 0.25f) + offset;
        }
        return values;
    }
}
