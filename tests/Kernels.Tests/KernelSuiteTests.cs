using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>The self-test kernels against their plain C# references, on every backend, over sizes that hit the tails.</summary>
public sealed class KernelSuiteTests
{
    public static TheoryData<string> Backends => Tests.Backends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void BlockReduce_SumsEachBlockInTreeOrder_ForPartialLastBlock(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 1, 64, 100, 300 })
        {
            BlockReduce.Check<Size64>(runtime, n);
        }
        BlockReduce.Check<Size256>(runtime, 600);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void WarpCollectives_MatchLaneByLaneReference_ForPartialWarps(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 1, 17, 32, 70 })
        {
            WarpReduce.Check(runtime, n);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Histogram_CountsEveryByte_WithSharedAndGlobalAtomics(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 0, 5, 191, 1000 })
        {
            Histogram.Check(runtime, n);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Atomics_GiveMaxMinSumAndOneCasWinner(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 1, 77 })
        {
            Atomics.Check(runtime, n);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void TiledMatmul_MatchesReferenceBitExactly_ForShapesNotMultiplesOfTheTile(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        TiledMatmul.Check<Size8>(runtime, 13, 9, 17);
        TiledMatmul.Check<Size16>(runtime, 16, 20, 5);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Conversions_RoundToNearestEvenAndBack_IncludingSpecials(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        Conversions.Check(runtime, 13);
        Conversions.Check(runtime, 150);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void VectorLoads_ScaleWholeGroupsAndTail(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 3, 4, 130 })
        {
            VectorLoads.Check(runtime, n);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void MmaTile_MatchesMatrixProduct_ForBf16AndF16(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        MmaTile.Check(runtime, bf16: true);
        MmaTile.Check(runtime, bf16: false);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void RadixSelect_FindsKthLargest_WithTiesAndNegatives(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        RadixSelect.Check(runtime, 1, 1);
        RadixSelect.Check(runtime, 300, 1);
        RadixSelect.Check(runtime, 300, 37);
        RadixSelect.Check(runtime, 1000, 1000);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void MathFunctions_MatchMathF(string backend) => MathFunctions.Check(Tests.Backends.Create(backend), 70);

    [Theory]
    [MemberData(nameof(Backends))]
    public void Specialisation_GenericKernelsOperatorStructsAndStructMethods(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        Specialisation.Check(runtime, 3);
        Specialisation.Check(runtime, 101);
    }
}
