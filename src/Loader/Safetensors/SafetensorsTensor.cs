using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Loader.IO;

namespace Loader.Safetensors;

/// <summary>
/// A zero-copy view of one tensor inside a memory-mapped safetensors file. Valid until the owning
/// <see cref="SafetensorsFile"/> is disposed (then every accessor throws <see cref="ObjectDisposedException"/>).
/// </summary>
public sealed class SafetensorsTensor
{
    private readonly MappedFile _file;
    private readonly long _fileOffset;

    internal SafetensorsTensor(MappedFile file, SafetensorsTensorInfo info, long fileOffset)
    {
        _file = file;
        Info = info;
        _fileOffset = fileOffset;
    }

    public SafetensorsTensorInfo Info { get; }

    public string Name => Info.Name;

    public SafetensorsDtype Dtype => Info.Dtype;

    /// <summary>Row-major shape, outermost dimension first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => Info.Shape;

    public long ElementCount => Info.ElementCount;

    public long ByteLength => Info.ByteLength;

    /// <summary>The file this tensor lives in.</summary>
    public string FilePath => _file.Path;

    /// <summary>
    /// The raw little-endian bytes. Throws <see cref="InvalidOperationException"/> for tensors over
    /// <see cref="int.MaxValue"/> bytes, which no span can hold: read those with <see cref="GetBytes"/>.
    /// </summary>
    public ReadOnlySpan<byte> Bytes => ByteLength <= int.MaxValue
        ? _file.Span(_fileOffset, (int)ByteLength)
        : throw new InvalidOperationException($"{FilePath}: tensor '{Name}' is {ByteLength} bytes, too large for one span; use GetBytes(offset, length)");

    /// <summary>The bytes [offset, offset + length) of this tensor's data.</summary>
    public ReadOnlySpan<byte> GetBytes(long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, ByteLength, nameof(length));
        return _file.Span(_fileOffset + offset, length);
    }

    /// <summary>
    /// The data reinterpreted as <typeparamref name="T"/> (zero-copy). <c>sizeof(T)</c> must equal the dtype's
    /// size, e.g. <c>float</c> for F32, <c>Half</c> for F16, <c>ushort</c> for BF16.
    /// </summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != SafetensorsDtypes.SizeOf(Dtype))
        {
            throw new InvalidOperationException($"{FilePath}: tensor '{Name}' is {SafetensorsDtypes.HeaderName(Dtype)}, which cannot be viewed as {typeof(T).Name}");
        }
        return MemoryMarshal.Cast<byte, T>(Bytes);
    }

    /// <summary>
    /// Converts every element to float32 into <paramref name="destination"/> (length must equal
    /// <see cref="ElementCount"/>); see <see cref="DtypeConversion.ToFloat32"/> for the per-dtype rules.
    /// </summary>
    public void CopyToFloat32(Span<float> destination)
    {
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; tensor '{Name}' has {ElementCount} elements", nameof(destination));
        }
        DtypeConversion.ToFloat32(Dtype, Bytes, destination, FilePath, Name);
    }

    /// <summary>A new float32 array holding every element.</summary>
    public float[] ToFloat32Array()
    {
        var result = new float[ElementCount];
        CopyToFloat32(result);
        return result;
    }
}
