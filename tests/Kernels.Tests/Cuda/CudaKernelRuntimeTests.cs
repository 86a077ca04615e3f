using System.Runtime.InteropServices;
using Kernels.Cuda;
using Kernels.Ptx;
using Kernels.SelfTest;
using Xunit;

namespace Kernels.Tests.Cuda;

[Collection(CudaCollection.Name)]
public sealed class CudaKernelRuntimeTests(CudaContextFixture fixture)
{
    private static CompiledKernel VectorAddKernel => KernelCompiler.Compile(typeof(VectorAdd), nameof(VectorAdd.Kernel));

    [Theory]
    [InlineData(8, 0, "sm_80", "7.8")]
    [InlineData(8, 6, "sm_86", "7.8")]
    [InlineData(8, 9, "sm_89", "7.8")]
    [InlineData(9, 0, "sm_90", "7.8")]
    [InlineData(10, 0, "sm_100", "8.6")]
    [InlineData(12, 0, "sm_120", "8.7")]
    public void TargetFor_IsTheDevicesOwnSm(int major, int minor, string architecture, string isa)
    {
        var target = CudaKernelRuntime.TargetFor(new ComputeCapability(major, minor));
        Assert.Equal(new PtxTarget(architecture, isa), target);
    }

    [Fact]
    public void TargetFor_Throws_WhenDeviceIsOlderThanAmpere() =>
        Assert.Throws<NotSupportedException>(() => CudaKernelRuntime.TargetFor(new ComputeCapability(7, 5)));

    [Fact]
    public void Pack_WritesEachValueWithItsParameterWidth_InPtxOrder()
    {
        // VectorAdd(a, b, c): three views, each a u64 pointer then a u32 length.
        var kernel = VectorAddKernel;
        ulong[] values = [0x1000_0000_0010UL, 5, 0x2000_0000_0020UL, 6, 0x3000_0000_0030UL, 0xFFFF_FFFF_0000_0007UL];
        var arguments = new KernelArguments();
        CudaKernelRuntime.Pack(kernel, values, ref arguments);

        Span<nint> pointers = stackalloc nint[KernelArguments.MaxCount];
        arguments.WritePointers(pointers);
        Assert.Equal(6, arguments.Count);
        Assert.Equal([8, 4, 8, 4, 8, 4], kernel.Parameters.Select(p => p.SizeBytes));
        Assert.Equal(0x1000_0000_0010L, Marshal.ReadInt64(pointers[0]));
        Assert.Equal(5, Marshal.ReadInt32(pointers[1]));
        Assert.Equal(0x2000_0000_0020L, Marshal.ReadInt64(pointers[2]));
        Assert.Equal(6, Marshal.ReadInt32(pointers[3]));
        Assert.Equal(0x3000_0000_0030L, Marshal.ReadInt64(pointers[4]));
        // A 4-byte parameter gets the low 32 bits only.
        Assert.Equal(7, Marshal.ReadInt32(pointers[5]));
    }

    [Fact]
    public void Pack_PacksFlattenedArgumentsOfAStructAndScalars()
    {
        var kernel = KernelCompiler.Compile(typeof(VectorLoads), nameof(VectorLoads.Kernel));
        var flattened = kernel.FlattenArguments([new Language.ArrayView<float>(0x40, 9), new Language.ArrayView<float>(0x80, 9), 1.5f]);
        var arguments = new KernelArguments();
        CudaKernelRuntime.Pack(kernel, flattened, ref arguments);

        Span<nint> pointers = stackalloc nint[KernelArguments.MaxCount];
        arguments.WritePointers(pointers);
        Assert.Equal(5, arguments.Count);
        Assert.Equal(0x80L, Marshal.ReadInt64(pointers[2]));
        Assert.Equal(1.5f, BitConverter.Int32BitsToSingle(Marshal.ReadInt32(pointers[4])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void Pack_Throws_WhenValueCountDiffersFromParameters(int count)
    {
        var values = new ulong[count];
        var error = Assert.Throws<ArgumentException>(() =>
        {
            var arguments = new KernelArguments();
            CudaKernelRuntime.Pack(VectorAddKernel, values, ref arguments);
        });
        Assert.Contains("has 6 PTX parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {count}", error.Message, StringComparison.Ordinal);
    }

    [CudaFact(ExecutesPtx = true)]
    public void SelfTestSuite_PassesEveryCase_OnTheDevice()
    {
        using var runtime = new CudaKernelRuntime(fixture.Current());
        var results = KernelSelfTest.Run(runtime);
        Assert.Equal(KernelSelfTest.Cases.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Message}"));
    }

    [CudaFact]
    public void Enqueue_RunsAKernel_WithFlattenedArguments()
    {
        using var runtime = new CudaKernelRuntime(fixture.Current());
        float[] a = [1, 2, 3, 4, 5];
        float[] b = [10, 20, 30, 40, 50];
        using var da = runtime.Allocate<float>(5);
        using var db = runtime.Allocate<float>(5);
        using var dc = runtime.Allocate<float>(5);
        da.CopyFromHost(a);
        db.CopyFromHost(b);
        var kernel = runtime.Compile(VectorAddKernel.Method);
        var values = kernel.FlattenArguments([da.View, db.View, dc.View]);
        runtime.Enqueue(kernel, 1, 32, 0, values, stream: null);
        runtime.Context.Synchronize();
        var c = new float[5];
        dc.CopyToHost(c);
        Assert.Equal([11f, 22f, 33f, 44f, 55f], c);
    }

    [CudaFact]
    public void Launch_Throws_WhenArgumentCountIsWrong()
    {
        using var runtime = new CudaKernelRuntime(fixture.Current());
        using var da = runtime.Allocate<float>(4);
        Assert.Throws<ArgumentException>(() => runtime.Launch(VectorAddKernel, 1, 32, 0, da.View, da.View));
    }
}
