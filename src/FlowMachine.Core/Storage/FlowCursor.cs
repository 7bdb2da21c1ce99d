using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FlowMachine.Storage;

/// <summary>
/// Where a page of flows (newest first) ended: the last flow's creation time in the store's own unit
/// (ticks in memory, milliseconds in a database) and its id. Sent to callers as an opaque text
/// (<see cref="FlowPage.Next"/>, <see cref="FlowQuery.After"/>); every store writes and reads it here.
/// </summary>
/// <param name="Position">The last flow's creation time, in the store's unit.</param>
/// <param name="Id">The last flow's id, which orders flows created at the same time.</param>
internal readonly record struct FlowCursor(long Position, string Id)
{
    /// <summary>The cursor as the opaque text a caller passes back.</summary>
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Position.ToString(CultureInfo.InvariantCulture) + ":" + Id));

    /// <summary>Reads a cursor made by <see cref="Encode"/>.</summary>
    /// <param name="cursor">The text from a previous page's <see cref="FlowPage.Next"/>.</param>
    /// <param name="signed">Whether the position may be negative (times before 1970 in milliseconds); ticks never are.</param>
    /// <exception cref="ArgumentException">The text is not a cursor.</exception>
    public static FlowCursor Decode(string cursor, bool signed)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var styles = signed ? NumberStyles.AllowLeadingSign : NumberStyles.None;
            if (colon > 0 && colon < text.Length - 1
                && long.TryParse(text.AsSpan(0, colon), styles, CultureInfo.InvariantCulture, out var position))
            {
                return new FlowCursor(position, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other bad cursor.
        }

        throw new ArgumentException($"The paging cursor '{cursor}' is not valid: pass the Next value of a previous page unchanged.", nameof(cursor));
    }
}
