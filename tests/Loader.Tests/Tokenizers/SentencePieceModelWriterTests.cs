using Google.Protobuf;
using Loader.Tokenizers;

namespace Loader.Tests.Tokenizers;

/// <summary>The ModelProto bytes read back field by field with protobuf's own reader, against the field numbers of
/// sentencepiece_model.proto.</summary>
public sealed class SentencePieceModelWriterTests
{
    [Fact]
    public void WritesPiecesTrainerSpecAndNormalizerSpec()
    {
        SentencePieceModelWriter.Piece[] pieces =
        [
            new("<unk>", 0f, SentencePieceModelWriter.PieceType.Unknown),
            new("<s>", 0f, SentencePieceModelWriter.PieceType.Control),
            new("</s>", 0f, SentencePieceModelWriter.PieceType.Control),
            new("<0x41>", 0f, SentencePieceModelWriter.PieceType.Byte),
            new("\u2581a", -1.5f, SentencePieceModelWriter.PieceType.Normal),
        ];
        var bytes = SentencePieceModelWriter.Write(pieces, SentencePieceModelWriter.ModelType.Bpe, byteFallback: true, unkId: 0, bosId: 1, eosId: 2);

        var read = new List<(string, float, int)>();
        var trainer = new Dictionary<int, object>();
        var normalizer = new Dictionary<int, object>();
        var input = new CodedInputStream(bytes);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var message = new CodedInputStream(input.ReadBytes().ToByteArray());
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var (text, score, type) = ("", 0f, 0);
                    for (var t = message.ReadTag(); t != 0; t = message.ReadTag())
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 1: text = message.ReadString(); break;
                            case 2: score = message.ReadFloat(); break;
                            case 3: type = message.ReadEnum(); break;
                            default: message.SkipLastField(); break;
                        }
                    }
                    read.Add((text, score, type));
                    break;
                case 2:
                    ReadFields(message, trainer);
                    break;
                case 3:
                    ReadFields(message, normalizer);
                    break;
                default:
                    Assert.Fail($"unexpected ModelProto field {WireFormat.GetTagFieldNumber(tag)}");
                    break;
            }
        }
        Assert.Equal([("<unk>", 0f, 2), ("<s>", 0f, 3), ("</s>", 0f, 3), ("<0x41>", 0f, 6), ("\u2581a", -1.5f, 1)], read);
        // model_type BPE = 2, vocab_size, byte_fallback, unk/bos/eos/pad ids, unk/bos/eos pieces.
        Assert.Equal(2L, trainer[3]);
        Assert.Equal(5L, trainer[4]);
        Assert.Equal(1L, trainer[35]);
        Assert.Equal(0L, trainer[40]);
        Assert.Equal(1L, trainer[41]);
        Assert.Equal(2L, trainer[42]);
        Assert.Equal(-1L, trainer[43]);
        Assert.Equal("<unk>", trainer[45]);
        Assert.Equal("<s>", trainer[46]);
        Assert.Equal("</s>", trainer[47]);
        // name "identity", add_dummy_prefix, remove_extra_whitespaces off, escape_whitespaces on.
        Assert.Equal("identity", normalizer[1]);
        Assert.Equal(1L, normalizer[3]);
        Assert.Equal(0L, normalizer[4]);
        Assert.Equal(1L, normalizer[5]);
    }

    private static void ReadFields(CodedInputStream message, Dictionary<int, object> fields)
    {
        for (var t = message.ReadTag(); t != 0; t = message.ReadTag())
        {
            fields[WireFormat.GetTagFieldNumber(t)] = WireFormat.GetTagWireType(t) == WireFormat.WireType.LengthDelimited
                ? message.ReadString()
                : message.ReadInt64();
        }
    }
}
