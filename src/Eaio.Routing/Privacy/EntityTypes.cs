namespace Eaio.Routing;

/// <summary>The entity types the built-in detectors report; they are also the stems of placeholders (<c>EMAIL_1</c>).</summary>
public static class EntityTypes
{
    /// <summary>An e-mail address.</summary>
    public const string Email = "EMAIL";

    /// <summary>A phone number.</summary>
    public const string Phone = "PHONE";

    /// <summary>An IPv4 or IPv6 address.</summary>
    public const string IpAddress = "IP_ADDRESS";

    /// <summary>A payment card number that passes the Luhn check.</summary>
    public const string PaymentCard = "PAYMENT_CARD";

    /// <summary>An IBAN that passes the mod-97 check.</summary>
    public const string Iban = "IBAN";

    /// <summary>A secret: an API key, a bearer token, a connection-string password.</summary>
    public const string Secret = "SECRET";

    /// <summary>A latitude/longitude pair.</summary>
    public const string Coordinates = "COORDINATES";

    /// <summary>A street address (number and street type).</summary>
    public const string StreetAddress = "ADDRESS";

    /// <summary>A person's name from the configured list.</summary>
    public const string Person = "PERSON";

    /// <summary>A BDG2 building id (for example <c>Panther_office_Hannah</c>).</summary>
    public const string Building = "BUILDING";

    /// <summary>A BDG2 site id (for example <c>Panther</c>).</summary>
    public const string Site = "SITE";

    /// <summary>A meter or equipment id matched by a configured pattern, or a meter's number after a label or in the DIN 43863-5 form.</summary>
    public const string Equipment = "EQUIPMENT";

    /// <summary>A utility's id of a building's supply or metering point (MPAN, Zählpunkt, MaLo-ID, EAN code, PDL/PRM, CUPS, POD, NMI…).</summary>
    public const string SupplyPoint = "SUPPLY_POINT";

    /// <summary>A person's identity number: social security, national insurance or national id, passport, driving licence,
    /// tax id, or a number an employer, insurer or supplier gives them.</summary>
    public const string IdentityNumber = "ID_NUMBER";

    /// <summary>A bank account number outside an IBAN, or a routing number.</summary>
    public const string BankAccount = "BANK_ACCOUNT";

    /// <summary>A time series of readings (timestamps with values): one building's consumption.</summary>
    public const string Readings = "READINGS";
}
