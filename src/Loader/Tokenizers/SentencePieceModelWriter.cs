using Google.Protobuf;

namespace Loader.Tokenizers;

/// <summary>Writes a SentencePiece <c>tokenizer.model</c>: the protobuf <c>ModelProto</c> of sentencepiece's
/// <c>sentencepiece_model.proto</c>, with only the fields a reader needs (pieces, trainer spec's model type,
/// byte fallback and special ids, normalizer spec's whitespace handling).</summary>
public static class SentencePieceModelWriter
{
    /// <summary><c>ModelProto.SentencePiece.Type</c>.</summary>
    public enum PieceType
    {
        Normal = 1,
        Unknown = 2,
        Control = 3,
        UserDefined = 4,
        Unused = 5,
        Byte = 6,
    }

    /// <summary><c>TrainerSpec.ModelType</c>.</summary>
    public enum ModelType
    {
        Unigram = 1,
        Bpe = 2,
    }

    public sealed record Piece(string Text, float Score, PieceType Type);

    /// <param name="addDummyPrefix">Prepend <c>▁</c> to the text (Llama 2's models do).</param>
    /// <remarks>The unk, BOS and EOS piece strings are written from <paramref name="pieces"/> at those ids.</remarks>
    public static byte[] Write(IReadOnlyList<Piece> pieces, ModelType type, bool byteFallback, int unkId, int bosId, int eosId, bool addDummyPrefix = true)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var piece in pieces)
        {
            // ModelProto.pieces = 1: SentencePiece { piece = 1, score = 2, type = 3 }
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited);
                m.WriteString(piece.Text);
                m.WriteTag(2, WireFormat.WireType.Fixed32);
                m.WriteFloat(piece.Score);
                m.WriteTag(3, WireFormat.WireType.Varint);
                m.WriteEnum((int)piece.Type);
            }));
        }
        // ModelProto.trainer_spec = 2: model_type = 3, vocab_size = 4, byte_fallback = 35, unk/bos/eos/pad_id = 40..43,
        // unk/bos/eos_piece = 45..47
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            m.WriteTag(3, WireFormat.WireType.Varint);
            m.WriteEnum((int)type);
            m.WriteTag(4, WireFormat.WireType.Varint);
            m.WriteInt32(pieces.Count);
            m.WriteTag(35, WireFormat.WireType.Varint);
            m.WriteBool(byteFallback);
            m.WriteTag(40, WireFormat.WireType.Varint);
            m.WriteInt32(unkId);
            m.WriteTag(41, WireFormat.WireType.Varint);
            m.WriteInt32(bosId);
            m.WriteTag(42, WireFormat.WireType.Varint);
            m.WriteInt32(eosId);
            m.WriteTag(43, WireFormat.WireType.Varint);
            m.WriteInt32(-1);
            foreach (var (field, id) in new[] { (45, unkId), (46, bosId), (47, eosId) })
            {
                if ((uint)id < (uint)pieces.Count)
                {
                    m.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    m.WriteString(pieces[id].Text);
                }
            }
        }));
        // ModelProto.normalizer_spec = 3: name = 1 ("identity": no precompiled map), add_dummy_prefix = 3,
        // remove_extra_whitespaces = 4, escape_whitespaces = 5
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited);
            m.WriteString("identity");
            m.WriteTag(3, WireFormat.WireType.Varint);
            m.WriteBool(addDummyPrefix);
            m.WriteTag(4, WireFormat.WireType.Varint);
            m.WriteBool(false);
            m.WriteTag(5, WireFormat.WireType.Varint);
            m.WriteBool(true);
        }));
        output.Flush();
        return stream.ToArray();
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }
}
