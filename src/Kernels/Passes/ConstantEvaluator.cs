using Kernels.IR;

namespace Kernels.Passes;

/// <summary>Evaluates a value to a compile-time constant when its whole expression tree is constant.</summary>
public static class ConstantEvaluator
{
    /// <summary>The constant's bits as a signed 64-bit integer, or null when the value depends on run-time data.</summary>
    public static long? TryEvaluate(Value value) => TryBits(value, new Dictionary<Value, ulong?>(), 0) is { } bits ? (long)bits : null;

    /// <summary>The bits of a pure instruction whose operands are all constants, or null.</summary>
    public static ulong? TryFold(Instruction instruction)
    {
        if (!Semantics.IsScalarPure(instruction.Op))
        {
            return null;
        }
        var operands = instruction.Operands;
        Span<ulong> bits = stackalloc ulong[3];
        for (var i = 0; i < operands.Length; i++)
        {
            if (operands[i] is not Constant constant)
            {
                return null;
            }
            bits[i] = constant.Bits;
        }
        return Semantics.Evaluate(instruction.Op, instruction.Type, instruction.Aux,
            operands.Length > 0 ? operands[0].Type : instruction.Type, bits[0], bits[1], bits[2]);
    }

    private static ulong? TryBits(Value value, Dictionary<Value, ulong?> memo, int depth)
    {
        if (value is Constant constant)
        {
            return constant.Bits;
        }
        if (depth > 32)
        {
            return null;
        }
        if (memo.TryGetValue(value, out var known))
        {
            return known;
        }
        // Cycles through φs read as "not constant" while the value is being evaluated.
        memo[value] = null;
        ulong? result = null;
        switch (value)
        {
            case Phi phi:
                foreach (var input in phi.Inputs)
                {
                    if (input == phi)
                    {
                        continue;
                    }
                    var bits = TryBits(input, memo, depth + 1);
                    if (bits is null || (result is not null && result != bits))
                    {
                        result = null;
                        break;
                    }
                    result = bits;
                }
                break;
            case Instruction instruction when Semantics.IsScalarPure(instruction.Op):
                {
                    var operands = instruction.Operands;
                    var bits = new ulong[3];
                    var all = true;
                    for (var i = 0; i < operands.Length && all; i++)
                    {
                        var b = TryBits(operands[i], memo, depth + 1);
                        all = b is not null;
                        bits[i] = b ?? 0;
                    }
                    result = all
                        ? Semantics.Evaluate(instruction.Op, instruction.Type, instruction.Aux, operands.Length > 0 ? operands[0].Type : instruction.Type, bits[0], bits[1], bits[2])
                        : null;
                    break;
                }
        }
        memo[value] = result;
        return result;
    }
}
