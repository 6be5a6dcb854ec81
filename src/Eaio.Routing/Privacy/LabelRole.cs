namespace Eaio.Routing;

/// <summary>How a word in front of a number labels it (<see cref="LabelWord"/>).</summary>
internal enum LabelRole
{
    /// <summary>It may stand between a label and its value.</summary>
    Filler,

    /// <summary>A filler, and the end of a label of two words ("number" in "meter number").</summary>
    Tail,

    /// <summary>A label wherever fillers put it ("MPAN", "passport").</summary>
    Label,

    /// <summary>A label only before a tail ("supply" in "supply number").</summary>
    BeforeTail,

    /// <summary>A label right before the value or before a tail ("Meter 19K0123456", "meter serial 19K0123456").</summary>
    DirectOrBeforeTail,

    /// <summary>
    /// A filler that, right before the value, may end a longer phrase: "account number on the gas bill is", "número de
    /// contador que figura en la factura es".
    /// </summary>
    Copula,
}
