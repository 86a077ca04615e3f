using System.Reflection.Metadata;

namespace Kernels.Frontend;

/// <summary>One decoded IL instruction: its operand is an integer/token, a float, or branch targets.</summary>
internal readonly record struct IlInstruction(int Offset, ILOpCode OpCode, long Operand, double FloatOperand, int[]? Targets, int NextOffset)
{
    public int Token => (int)Operand;

    public bool EndsBlock => OpCode.IsBranch() || Targets is not null || OpCode is ILOpCode.Ret or ILOpCode.Throw or ILOpCode.Rethrow or ILOpCode.Jmp;
}
