using Kernels.IR;

namespace Kernels.Passes;

/// <summary>Evaluates a value to a compile-time constant when its whole expression tree is constant.</summary>
public static class ConstantEvaluator
{
    /// <summary>The constant's bits as a signed 64-bit integer, or null when the value depends on run-time data.</summary>
    public static long? TryEvaluate(Value value) => TryBits(value, 0) is { } bits ? (long)bits : null;

    public static ulong? TryBits(Value value, int depth)
    {
        if (depth > 64)
        {
            return null;
        }
        switch (value)
        {
            case Constant constant:
                return constant.Bits;
            case Phi phi:
                {
                    ulong? same = null;
                    foreach (var input in phi.Inputs)
                    {
                        if (input == phi)
                        {
                            continue;
                        }
                        var bits = TryBits(input, depth + 1);
                        if (bits is null || (same is not null && same != bits))
                        {
                            return null;
                        }
                        same = bits;
                    }
                    return same;
                }
            case Instruction instruction when Semantics.IsScalarPure(instruction.Op):
                {
                    var operands = instruction.Operands;
                    Span<ulong> bits = stackalloc ulong[3];
                    for (var i = 0; i < operands.Length; i++)
                    {
                        if (TryBits(operands[i], depth + 1) is not { } b)
                        {
                            return null;
                        }
                        bits[i] = b;
                    }
                    return Semantics.Evaluate(instruction.Op, instruction.Type, instruction.Aux,
                        operands.Length > 0 ? operands[0].Type : instruction.Type, bits[0], bits[1], bits[2]);
                }
            default:
                return null;
        }
    }
}
