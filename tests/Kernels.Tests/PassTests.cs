using Kernels.IR;
using Kernels.Passes;
using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>Each pass on hand-built IR, and the pipeline's effect on real kernels.</summary>
public sealed class PassTests
{
    private static (Function Function, IrBuilder Builder, Parameter Pointer) Start()
    {
        var function = new Function("f");
        var pointer = new Parameter(IrType.Pointer(AddressSpace.Global), 0, "y");
        function.Parameters.Add(pointer);
        var builder = new IrBuilder(function) { Block = function.NewBlock() };
        return (function, builder, pointer);
    }

    [Fact]
    public void ConstantFolding_ReplacesConstantExpressionsByTheirValue()
    {
        var (function, builder, pointer) = Start();
        var six = builder.Binary(Opcode.Mul, Constant.Int(IrType.I32, 2), Constant.Int(IrType.I32, 3));
        var seven = builder.Binary(Opcode.Add, six, Constant.Int(IrType.I32, 1));
        builder.Store(pointer, seven, IrType.I32);
        builder.Return();
        Pipeline.Run(function);
        var store = Assert.Single(function.Entry.Instructions);
        Assert.Equal(7, Assert.IsType<Constant>(store.Operands[1]).AsInt64);
    }

    [Fact]
    public void DeadCodeElimination_RemovesUnusedPureInstructionsButKeepsStores()
    {
        var (function, builder, pointer) = Start();
        var tid = builder.Special(SpecialRegister.TidX);
        builder.Binary(Opcode.Mul, tid, tid);
        builder.Store(pointer, tid, IrType.I32);
        builder.Return();
        Assert.True(new DeadCodeElimination().Run(function));
        Assert.Equal([Opcode.SpecialRegister, Opcode.Store], function.Entry.Instructions.Select(i => i.Op));
    }

    [Fact]
    public void CfgSimplification_FoldsConstantBranchAndDropsTheDeadArm()
    {
        var (function, builder, pointer) = Start();
        var taken = function.NewBlock();
        var dead = function.NewBlock();
        builder.CondBranch(builder.Compare(CompareKind.Lt, Constant.Int(IrType.I32, 1), Constant.Int(IrType.I32, 2)), taken, dead);
        builder.Block = taken;
        builder.Store(pointer, Constant.Int(IrType.I32, 1), IrType.I32);
        builder.Return();
        builder.Block = dead;
        builder.Store(pointer, Constant.Int(IrType.I32, 2), IrType.I32);
        builder.Return();
        Pipeline.Run(function);
        var block = Assert.Single(function.Blocks);
        Assert.Equal(1, Assert.IsType<Constant>(Assert.Single(block.Instructions).Operands[1]).AsInt64);
    }

    [Fact]
    public void SpecialisationConstants_FoldIntoSharedSizesAndBranches()
    {
        var blockReduce = KernelCompiler.Compile(KernelCatalog.Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size64)));
        Assert.Contains("_smem0[256];", blockReduce.Ptx, StringComparison.Ordinal);
        var bf16 = KernelCompiler.Compile(KernelCatalog.Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(Size2)));
        Assert.Contains("m16n8k16.row.col.f32.bf16.bf16.f32", bf16.Ptx, StringComparison.Ordinal);
        Assert.DoesNotContain(".f16.f16.f32", bf16.Ptx, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_LeavesVectorAddAsBoundsCheckAndOneStraightBlock()
    {
        var kernel = KernelCompiler.Compile(typeof(VectorAdd), nameof(VectorAdd.Kernel));
        Assert.DoesNotContain("Select", kernel.IrText, StringComparison.Ordinal);
        Assert.True(kernel.IrText.Split('\n').Count(l => l.StartsWith("BB", StringComparison.Ordinal)) <= 3, kernel.IrText);
    }

    [Fact]
    public void LoopUnrolling_FlattensLoopsBoundedBySpecialisationConstants()
    {
        var fold = KernelCompiler.Compile(KernelCatalog.Method(typeof(Specialisation), nameof(Specialisation.Fold), typeof(Specialisation.MaxOp), typeof(Size4)));
        Assert.DoesNotContain("phi", fold.IrText, StringComparison.Ordinal);
        Assert.Equal(4, fold.IrText.Split('\n').Count(l => l.Contains("Load", StringComparison.Ordinal)));
        // The warp butterfly (offset 16, 8, 4, 2, 1) becomes five shuffles with constant lane masks.
        var warp = KernelCompiler.Compile(typeof(WarpReduce), nameof(WarpReduce.Kernel));
        Assert.Contains("shfl.sync.bfly.b32 %f", warp.Ptx, StringComparison.Ordinal);
        Assert.Equal(5, warp.Ptx.Split('\n').Count(l => l.Contains("shfl.sync.bfly", StringComparison.Ordinal)));
    }

    [Fact]
    public void LoopUnrolling_LeavesRuntimeBoundedLoops()
    {
        var matmul = KernelCompiler.Compile(KernelCatalog.Method(typeof(TiledMatmul), nameof(TiledMatmul.Kernel), typeof(Size8)));
        // The k-tile loop runs to a kernel argument: still a loop (a φ remains).
        Assert.Contains("phi", matmul.IrText, StringComparison.Ordinal);
    }
}
