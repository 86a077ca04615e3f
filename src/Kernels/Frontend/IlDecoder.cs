using System.Reflection.Metadata;

namespace Kernels.Frontend;

/// <summary>Decodes a method body's IL bytes (ECMA-335 III) into instructions with resolved branch targets.</summary>
internal static class IlDecoder
{
    public static IlInstruction[] Decode(byte[] il)
    {
        var list = new List<IlInstruction>();
        var reader = new ILReaderState(il);
        while (reader.Offset < il.Length)
        {
            var offset = reader.Offset;
            int first = reader.ReadByte();
            var code = first == 0xFE ? (ILOpCode)(0xFE00 | reader.ReadByte()) : (ILOpCode)first;
            long operand = 0;
            double floatOperand = 0;
            int[]? targets = null;
            switch (OperandSize(code))
            {
                case OperandKind.None:
                    break;
                case OperandKind.Int8:
                    operand = code is ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s or ILOpCode.Unaligned
                        ? reader.ReadByte()
                        : (sbyte)reader.ReadByte();
                    break;
                case OperandKind.Int16:
                    operand = reader.ReadUInt16();
                    break;
                case OperandKind.Int32:
                    operand = reader.ReadInt32();
                    break;
                case OperandKind.Int64:
                    operand = reader.ReadInt64();
                    break;
                case OperandKind.Float32:
                    floatOperand = BitConverter.Int32BitsToSingle(reader.ReadInt32());
                    break;
                case OperandKind.Float64:
                    floatOperand = BitConverter.Int64BitsToDouble(reader.ReadInt64());
                    break;
                case OperandKind.ShortBranch:
                    {
                        var delta = (sbyte)reader.ReadByte();
                        targets = [reader.Offset + delta];
                        break;
                    }
                case OperandKind.Branch:
                    {
                        var delta = reader.ReadInt32();
                        targets = [reader.Offset + delta];
                        break;
                    }
                case OperandKind.Switch:
                    {
                        var count = reader.ReadInt32();
                        var deltas = new int[count];
                        for (var i = 0; i < count; i++)
                        {
                            deltas[i] = reader.ReadInt32();
                        }
                        targets = new int[count];
                        for (var i = 0; i < count; i++)
                        {
                            targets[i] = reader.Offset + deltas[i];
                        }
                        break;
                    }
            }
            list.Add(new IlInstruction(offset, code, operand, floatOperand, targets, reader.Offset));
        }
        return [.. list];
    }

    private enum OperandKind
    {
        None, Int8, Int16, Int32, Int64, Float32, Float64, ShortBranch, Branch, Switch,
    }

    private static OperandKind OperandSize(ILOpCode code) => code switch
    {
        ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s
            or ILOpCode.Stloc_s or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned => OperandKind.Int8,
        ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => OperandKind.Int16,
        ILOpCode.Ldc_i4 => OperandKind.Int32,
        ILOpCode.Ldc_i8 => OperandKind.Int64,
        ILOpCode.Ldc_r4 => OperandKind.Float32,
        ILOpCode.Ldc_r8 => OperandKind.Float64,
        ILOpCode.Switch => OperandKind.Switch,
        _ when code.IsBranch() => code.GetBranchOperandSize() == 1 ? OperandKind.ShortBranch : OperandKind.Branch,
        ILOpCode.Jmp or ILOpCode.Call or ILOpCode.Calli or ILOpCode.Callvirt or ILOpCode.Cpobj or ILOpCode.Ldobj
            or ILOpCode.Ldstr or ILOpCode.Newobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox
            or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda
            or ILOpCode.Stsfld or ILOpCode.Stobj or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema
            or ILOpCode.Ldelem or ILOpCode.Stelem or ILOpCode.Unbox_any or ILOpCode.Refanyval or ILOpCode.Mkrefany
            or ILOpCode.Ldtoken or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Initobj or ILOpCode.Constrained
            or ILOpCode.Sizeof => OperandKind.Int32,
        _ => OperandKind.None,
    };

    private sealed class ILReaderState(byte[] il)
    {
        public int Offset { get; private set; }

        public byte ReadByte() => il[Offset++];

        public ushort ReadUInt16()
        {
            var value = BitConverter.ToUInt16(il, Offset);
            Offset += 2;
            return value;
        }

        public int ReadInt32()
        {
            var value = BitConverter.ToInt32(il, Offset);
            Offset += 4;
            return value;
        }

        public long ReadInt64()
        {
            var value = BitConverter.ToInt64(il, Offset);
            Offset += 8;
            return value;
        }
    }
}
