using Kernels.Language;

namespace Kernels;

/// <summary>Device memory owned by a runtime, with copies to and from the host.</summary>
public interface IDeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    int Length { get; }

    /// <summary>The view a kernel argument takes.</summary>
    ArrayView<T> View { get; }

    void CopyFromHost(ReadOnlySpan<T> source);

    void CopyToHost(Span<T> destination);
}
