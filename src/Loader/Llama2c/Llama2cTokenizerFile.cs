using System.Buffers.Binary;

namespace Loader.Llama2c;

/// <summary>
/// A llama2.c <c>tokenizer.bin</c>: int32 max_token_length, then per token a float32 score, an int32 byte
/// length and that many raw bytes. The token count is not stored; it is the model's vocab size.
/// </summary>
public sealed record Llama2cTokenizerFile(int MaxTokenLength, IReadOnlyList<byte[]> Pieces, IReadOnlyList<float> Scores)
{
    /// <summary>Reads <paramref name="vocabSize"/> records from <paramref name="path"/>; see <see cref="Parse"/>.</summary>
    public static Llama2cTokenizerFile Read(string path, int vocabSize) => Parse(File.ReadAllBytes(path), vocabSize, path);

    /// <summary>
    /// Parses exactly <paramref name="vocabSize"/> records. Throws <see cref="Llama2cFormatException"/> naming the
    /// token id when a record is truncated or has a negative length, and when bytes remain after the last
    /// record (the file describes a larger vocabulary than the model).
    /// </summary>
    public static Llama2cTokenizerFile Parse(ReadOnlySpan<byte> bytes, int vocabSize, string file)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vocabSize);
        if (bytes.Length < 4)
        {
            throw new Llama2cFormatException(file, $"file is {bytes.Length} bytes, too short for max_token_length");
        }
        var maxTokenLength = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var pieces = new byte[vocabSize][];
        var scores = new float[vocabSize];
        var position = 4;
        for (var id = 0; id < vocabSize; id++)
        {
            if (bytes.Length - position < 8)
            {
                throw new Llama2cFormatException(file, $"file ends at byte {bytes.Length} inside the record of token {id}; vocab_size {vocabSize} needs {vocabSize} records");
            }
            scores[id] = BinaryPrimitives.ReadSingleLittleEndian(bytes[position..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[(position + 4)..]);
            position += 8;
            if (length < 0)
            {
                throw new Llama2cFormatException(file, $"token {id} has negative length {length}");
            }
            if (bytes.Length - position < length)
            {
                throw new Llama2cFormatException(file, $"token {id} claims {length} bytes but only {bytes.Length - position} remain");
            }
            pieces[id] = bytes.Slice(position, length).ToArray();
            position += length;
        }
        if (position != bytes.Length)
        {
            throw new Llama2cFormatException(file, $"{bytes.Length - position} bytes remain after token {vocabSize - 1}: the file holds more tokens than vocab_size {vocabSize}");
        }
        return new Llama2cTokenizerFile(maxTokenLength, pieces, scores);
    }
}
