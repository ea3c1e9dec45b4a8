using System.Text;
using Comms.Consent.Features.Imports;
using Comms.ServiceDefaults.Imports;

namespace Comms.Consent.Tests;

public sealed class CsvTests
{
    [Fact]
    public void Quoted_fields_keep_delimiters_line_breaks_and_doubled_quotes_and_rows_know_their_line()
    {
        var csv = "a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\"\r\n2;\"two\r\nlines\";ООО \"Ромашка\"\n\n3;;\r\n";

        var rows = Read(csv, ';');

        Assert.Equal([1, 2, 3, 5, 6], rows.Select(r => r.Line));
        Assert.Equal(["1", "x;y", "say \"hi\""], rows[1].Fields);
        Assert.Equal(["2", "two\r\nlines", "ООО \"Ромашка\""], rows[2].Fields);
        Assert.True(rows[3].IsBlank);
        Assert.Equal(["3", "", ""], rows[4].Fields);
        Assert.All(rows, r => Assert.Null(r.Error));
    }

    [Fact]
    public void An_unclosed_quote_is_reported_on_the_row_it_opens()
    {
        var rows = Read("a,b\n1,\"never closed\n2,3\n", ',');

        Assert.Equal(2, rows.Count);
        Assert.Equal(2, rows[1].Line);
        Assert.Contains("never closed", rows[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_a_field_is_reported_on_its_row_and_the_next_row_reads()
    {
        var rows = Read("a,b\n1,Ива\0нова\n2,3\n", ',');

        Assert.Contains("column 2 contains a NUL", rows[1].Error, StringComparison.Ordinal);
        Assert.Null(rows[2].Error);
    }

    [Fact]
    public void An_overlong_field_is_reported_not_kept()
    {
        var rows = Read("a,b\n1," + new string('x', 50) + "\n2,3\n", ',', maxFieldLength: 10);

        Assert.Contains("longer than 10 characters", rows[1].Error, StringComparison.Ordinal);
        Assert.Equal(10, rows[1].Fields[1].Length);
        Assert.Null(rows[2].Error);
    }

    [Theory]
    [InlineData("patient_id;phone;channel", ';')]
    [InlineData("patient_id,phone,channel", ',')]
    [InlineData("patient_id\tphone\tchannel", '\t')]
    [InlineData("\"a,b\";c;d", ';')]
    public void The_delimiter_is_the_one_the_header_uses(string header, char expected) =>
        Assert.Equal(expected, CsvRowReader.DetectDelimiter(header));

    [Fact]
    public async Task A_file_that_is_not_utf8_is_read_as_windows_1251()
    {
        var text = "phone;document_ref\n+79161234567;Бланк № 004512, ред. «2025-09»\n";
        var bytes = ImportFile.Windows1251.GetBytes(text);

        await using var file = await ImportFile.SpoolAsync(new MemoryStream(bytes), null, 1_000_000, TestContext.Current.CancellationToken);

        Assert.Equal("windows-1251", file.EncodingName);
        using var reader = file.OpenReader();
        Assert.Equal(text, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_utf8_file_is_read_as_utf8_with_or_without_a_bom(bool bom)
    {
        var text = "phone;document_ref\n+79161234567;Бланк № 004512\n";
        var bytes = (bom ? new byte[] { 0xEF, 0xBB, 0xBF } : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        await using var file = await ImportFile.SpoolAsync(new SmallChunks(bytes), null, 1_000_000, TestContext.Current.CancellationToken);

        Assert.Equal("utf-8", file.EncodingName);
        using var reader = file.OpenReader();
        Assert.Equal(text, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal("phone;document_ref", file.FirstLine());
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused()
    {
        await Assert.ThrowsAsync<ImportFileTooLargeException>(async () =>
            await ImportFile.SpoolAsync(new MemoryStream(new byte[2048]), null, 1024, TestContext.Current.CancellationToken));
    }

    private static List<CsvRow> Read(string csv, char delimiter, int maxFieldLength = 10_000)
    {
        var reader = new CsvRowReader(new StringReader(csv), delimiter, maxFieldLength);
        var rows = new List<CsvRow>();
        while (reader.TryRead(out var row))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Hands out 3 bytes at a time, so multi-byte characters are split between reads.</summary>
    private sealed class SmallChunks(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(3, buffer.Length)], cancellationToken);
    }
}
