using Kernels.IR;

namespace Kernels.Tests;

/// <summary>The IR verifier accepts well-formed SSA and names the broken invariant otherwise.</summary>
public sealed class VerifierTests
{
    /// <summary>if (p0 &lt; 10) x = p0 + 1 else x = 2; return — with the φ at the merge.</summary>
    private static (Function Function, IrBuilder Builder, BasicBlock Then, BasicBlock Else, BasicBlock Merge, Value Sum, Phi Phi) Diamond()
    {
        var function = new Function("diamond");
        var parameter = new Parameter(IrType.I32, 0, "n");
        function.Parameters.Add(parameter);
        var builder = new IrBuilder(function);
        var entry = function.NewBlock();
        var then = function.NewBlock();
        var otherwise = function.NewBlock();
        var merge = function.NewBlock();
        builder.Block = entry;
        builder.CondBranch(builder.Compare(CompareKind.Lt, parameter, Constant.Int(IrType.I32, 10)), then, otherwise);
        builder.Block = then;
        var sum = builder.Binary(Opcode.Add, parameter, Constant.Int(IrType.I32, 1));
        builder.Branch(merge);
        builder.Block = otherwise;
        builder.Branch(merge);
        builder.Block = merge;
        var phi = new Phi(IrType.I32, merge);
        phi.Inputs.Add(sum);
        phi.Inputs.Add(Constant.Int(IrType.I32, 2));
        merge.Phis.Add(phi);
        builder.Return();
        return (function, builder, then, otherwise, merge, sum, phi);
    }

    [Fact]
    public void Accepts_WellFormedDiamondWithPhi()
    {
        var (function, _, _, _, _, _, _) = Diamond();
        Verifier.Verify(function);
        Assert.Contains("phi", Printer.Print(function), StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenBlockHasNoTerminator()
    {
        var (function, _, _, _, _, _, _) = Diamond();
        function.NewBlock();
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function));
        Assert.Contains("has no terminator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenPhiInputsDoNotMatchPredecessors()
    {
        var (function, _, _, _, _, _, phi) = Diamond();
        phi.Inputs.RemoveAt(1);
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function, "test-pass"));
        Assert.Contains("inputs for 2 predecessors", error.Message, StringComparison.Ordinal);
        Assert.Contains("after test-pass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenUseIsNotDominatedByDefinition()
    {
        var (function, builder, _, _, merge, sum, _) = Diamond();
        // The sum is defined only on the then-path; using it after the merge is not SSA.
        merge.Terminator = null;
        builder.Block = merge;
        builder.Binary(Opcode.Mul, sum, sum);
        builder.Return();
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function));
        Assert.Contains("does not dominate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenOperandTypesDisagree()
    {
        var (function, builder, _, _, merge, _, _) = Diamond();
        merge.Terminator = null;
        builder.Block = merge;
        builder.Append(new Instruction(Opcode.Add, IrType.F32, [function.Parameters[0], Constant.Float(1f)]));
        builder.Return();
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function));
        Assert.Contains("operands i32, f32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenConditionalBranchIsNotOnPredicate()
    {
        var (function, _, _, _, _, _, _) = Diamond();
        var entry = function.Entry;
        entry.Terminator!.Operands[0] = function.Parameters[0];
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function));
        Assert.Contains("needs a pred", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenPredecessorListsAnEdgeThatDoesNotExist()
    {
        var (function, _, _, @else, merge, _, _) = Diamond();
        @else.Predecessors.Add(merge);
        var error = Assert.Throws<IrVerificationException>(() => Verifier.Verify(function));
        Assert.Contains("without an edge", error.Message, StringComparison.Ordinal);
    }
}
