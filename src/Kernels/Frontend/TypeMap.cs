using System.Reflection;
using Kernels.IR;
using Kernels.Language;

namespace Kernels.Frontend;

/// <summary>How CLR types live in the IR: scalars in one register (small integers widened to I32), structs flattened by field.</summary>
internal static class TypeMap
{
    public static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type.IsByRef || type.IsPointer || type == typeof(Half) || type == typeof(BFloat16);

    public static bool IsStruct(Type type) => type.IsValueType && !IsScalar(type);

    /// <summary>The register type of a scalar CLR type; null for structs and reference types.</summary>
    public static IrType? RegisterType(Type type)
    {
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }
        if (type.IsByRef || type.IsPointer)
        {
            return IrType.Pointer(AddressSpace.None);
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean or TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Char
                or TypeCode.Int32 or TypeCode.UInt32 => IrType.I32,
            TypeCode.Int64 or TypeCode.UInt64 => IrType.I64,
            TypeCode.Single => IrType.F32,
            TypeCode.Double => IrType.F64,
            _ when type == typeof(nint) || type == typeof(nuint) => IrType.I64,
            _ when type == typeof(Half) => IrType.F16,
            _ when type == typeof(BFloat16) => IrType.BF16,
            _ => null,
        };
    }

    /// <summary>The in-memory type of a scalar element (byte → I8, Half → F16) and whether it sign-extends on load.</summary>
    public static (IrType Memory, bool Signed)? MemoryType(Type type)
    {
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean or TypeCode.Byte => (IrType.I8, false),
            TypeCode.SByte => (IrType.I8, true),
            TypeCode.Int16 => (IrType.I16, true),
            TypeCode.UInt16 or TypeCode.Char => (IrType.I16, false),
            TypeCode.Int32 => (IrType.I32, true),
            TypeCode.UInt32 => (IrType.I32, false),
            TypeCode.Int64 => (IrType.I64, true),
            TypeCode.UInt64 => (IrType.I64, false),
            TypeCode.Single => (IrType.F32, true),
            TypeCode.Double => (IrType.F64, true),
            _ when type == typeof(nint) => (IrType.I64, true),
            _ when type == typeof(nuint) => (IrType.I64, false),
            _ when type == typeof(Half) => (IrType.F16, true),
            _ when type == typeof(BFloat16) => (IrType.BF16, true),
            _ => null,
        };
    }

    /// <summary>The instance fields of a struct in declaration (metadata) order.</summary>
    public static FieldInfo[] Fields(Type type) =>
        [.. type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken)];

    /// <summary>The register type of a struct field; view pointers are typed by the view's address space.</summary>
    public static IrType? FieldRegisterType(Type declaring, FieldInfo field)
    {
        if (declaring.IsGenericType && field.Name == "Pointer")
        {
            var definition = declaring.GetGenericTypeDefinition();
            if (definition == typeof(ArrayView<>))
            {
                return IrType.Pointer(AddressSpace.Global);
            }
            if (definition == typeof(SharedView<>))
            {
                return IrType.Pointer(AddressSpace.Shared);
            }
        }
        return RegisterType(field.FieldType);
    }

    public static int SizeOf(Type type) =>
        MemoryType(type)?.Memory.SizeBytes ?? System.Runtime.InteropServices.Marshal.SizeOf(type);
}
