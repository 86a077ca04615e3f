using System.IO.MemoryMappedFiles;

namespace Loader.IO;

/// <summary>
/// A whole file mapped read-only into memory. The view's <see cref="SafeHandle"/> keeps the mapping alive
/// while a pointer is held; spans handed out are zero-copy views into the page cache. This is the one
/// place in Loader that touches a raw pointer.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _base;
    private bool _disposed;

    public MappedFile(string path, long length)
    {
        Path = path;
        Length = length;
        if (length == 0)
        {
            // An empty file cannot be mapped; there are no bytes to view either.
            return;
        }
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        // The handle's pointer is the page-aligned start of the view; PointerOffset is where offset 0 lies in it.
        _base = pointer + _view.PointerOffset;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>The bytes [offset, offset + length) of the file.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((ulong)offset > (ulong)Length || (ulong)length > (ulong)(Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + length}) is outside {Path} ({Length} bytes)");
        }
        return length == 0 ? [] : new ReadOnlySpan<byte>(_base + offset, length);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _base = null;
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
