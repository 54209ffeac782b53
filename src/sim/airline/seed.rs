//! The airline's starting data. Immutable: each service copies what it owns into its own state.

/// A scheduled flight as Flight Management, Booking and Revenue Management know it at start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeedFlight {
    pub number: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub departs: &'static str,
    pub arrives: &'static str,
    pub capacity: u32,
    /// Seats sold before the simulation starts.
    pub booked: u32,
    /// Fare per passenger in USD before any repricing.
    pub base_fare: f64,
    /// Average price paid for the seats already sold.
    pub average_paid: f64,
    pub last_year_price: f64,
    /// Percent.
    pub last_year_occupancy: f64,
}

/// FL123 is the article's flight: 148 of 200 seats sold, so John and Jane make it 150 (75%,
/// 50 remaining) and pay 2 x 400.00 = 800.00. FL777 is tiny so a full flight is easy to reach.
pub const FLIGHTS: [SeedFlight; 5] = [
    SeedFlight {
        number: "FL123",
        from: "JFK",
        to: "LAX",
        departs: "2024-02-15T08:00:00Z",
        arrives: "2024-02-15T11:00:00Z",
        capacity: 200,
        booked: 148,
        base_fare: 400.0,
        average_paid: 300.0,
        last_year_price: 280.0,
        last_year_occupancy: 65.0,
    },
    SeedFlight {
        number: "FL200",
        from: "LAX",
        to: "ORD",
        departs: "2024-02-15T14:30:00Z",
        arrives: "2024-02-15T18:45:00Z",
        capacity: 180,
        booked: 117,
        base_fare: 320.0,
        average_paid: 295.0,
        last_year_price: 300.0,
        last_year_occupancy: 70.0,
    },
    SeedFlight {
        number: "FL310",
        from: "ORD",
        to: "JFK",
        departs: "2024-02-16T07:15:00Z",
        arrives: "2024-02-16T09:40:00Z",
        capacity: 160,
        booked: 96,
        base_fare: 260.0,
        average_paid: 240.0,
        last_year_price: 245.0,
        last_year_occupancy: 62.0,
    },
    SeedFlight {
        number: "FL415",
        from: "SFO",
        to: "SEA",
        departs: "2024-02-16T17:05:00Z",
        arrives: "2024-02-16T19:15:00Z",
        capacity: 150,
        booked: 54,
        base_fare: 180.0,
        average_paid: 165.0,
        last_year_price: 175.0,
        last_year_occupancy: 58.0,
    },
    SeedFlight {
        number: "FL777",
        from: "BOS",
        to: "MIA",
        departs: "2024-02-17T10:00:00Z",
        arrives: "2024-02-17T13:20:00Z",
        capacity: 4,
        booked: 2,
        base_fare: 220.0,
        average_paid: 205.0,
        last_year_price: 210.0,
        last_year_occupancy: 80.0,
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedPassenger {
    pub id: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub date_of_birth: &'static str,
    pub passport: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedLoyalty {
    pub points: u64,
    pub lifetime_points: u64,
}

/// A customer profile: the Mobile App has it on the device, Booking has it on file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedCustomer {
    pub id: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub passengers: &'static [SeedPassenger],
    /// `None`: no loyalty account (Loyalty consumes their bookings and credits nothing).
    pub loyalty: Option<SeedLoyalty>,
}

/// C12345 and both passengers are exactly the article's. C45678 has no loyalty account.
pub const CUSTOMERS: [SeedCustomer; 5] = [
    SeedCustomer {
        id: "C12345",
        email: "johndoe@example.com",
        phone: "+1234567890",
        passengers: &[
            SeedPassenger {
                id: "P12345",
                first_name: "John",
                last_name: "Doe",
                date_of_birth: "1990-05-15",
                passport: "P12345678",
            },
            SeedPassenger {
                id: "P12346",
                first_name: "Jane",
                last_name: "Doe",
                date_of_birth: "1992-08-20",
                passport: "P87654321",
            },
        ],
        loyalty: Some(SeedLoyalty {
            points: 8_400,
            lifetime_points: 31_250,
        }),
    },
    SeedCustomer {
        id: "C23456",
        email: "maria.garcia@example.com",
        phone: "+14155550142",
        passengers: &[
            SeedPassenger {
                id: "P23456",
                first_name: "Maria",
                last_name: "Garcia",
                date_of_birth: "1985-03-12",
                passport: "X23456789",
            },
            SeedPassenger {
                id: "P23457",
                first_name: "Lucas",
                last_name: "Garcia",
                date_of_birth: "2015-11-02",
                passport: "X23456790",
            },
        ],
        loyalty: Some(SeedLoyalty {
            points: 22_150,
            lifetime_points: 61_200,
        }),
    },
    SeedCustomer {
        id: "C34567",
        email: "wei.chen@example.com",
        phone: "+12065550187",
        passengers: &[SeedPassenger {
            id: "P34567",
            first_name: "Wei",
            last_name: "Chen",
            date_of_birth: "1978-07-30",
            passport: "E34567812",
        }],
        loyalty: Some(SeedLoyalty {
            points: 4_300,
            lifetime_points: 4_300,
        }),
    },
    SeedCustomer {
        id: "C45678",
        email: "amara.okafor@example.com",
        phone: "+16175550113",
        passengers: &[
            SeedPassenger {
                id: "P45678",
                first_name: "Amara",
                last_name: "Okafor",
                date_of_birth: "1995-01-09",
                passport: "A45678123",
            },
            SeedPassenger {
                id: "P45679",
                first_name: "Chidi",
                last_name: "Okafor",
                date_of_birth: "1993-06-21",
                passport: "A45678124",
            },
        ],
        loyalty: None,
    },
    SeedCustomer {
        id: "C56789",
        email: "lars.eriksson@example.com",
        phone: "+13055550176",
        passengers: &[SeedPassenger {
            id: "P56789",
            first_name: "Lars",
            last_name: "Eriksson",
            date_of_birth: "1969-12-03",
            passport: "S56789034",
        }],
        loyalty: Some(SeedLoyalty {
            points: 41_900,
            lifetime_points: 128_400,
        }),
    },
];

/// Loyalty tier by lifetime points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tier {
    pub name: &'static str,
    pub min_lifetime_points: u64,
    /// Points per mile flown, per passenger.
    pub multiplier: f64,
}

pub const TIERS: [Tier; 4] = [
    Tier {
        name: "Blue",
        min_lifetime_points: 0,
        multiplier: 1.0,
    },
    Tier {
        name: "Silver",
        min_lifetime_points: 25_000,
        multiplier: 1.25,
    },
    Tier {
        name: "Gold",
        min_lifetime_points: 50_000,
        multiplier: 1.5,
    },
    Tier {
        name: "Platinum",
        min_lifetime_points: 100_000,
        multiplier: 2.0,
    },
];

pub fn tier_for(lifetime_points: u64) -> &'static Tier {
    TIERS
        .iter()
        .rev()
        .find(|t| lifetime_points >= t.min_lifetime_points)
        .unwrap_or(&TIERS[0])
}

pub fn flight(number: &str) -> Option<&'static SeedFlight> {
    FLIGHTS.iter().find(|f| f.number == number)
}

pub fn customer(id: &str) -> Option<&'static SeedCustomer> {
    CUSTOMERS.iter().find(|c| c.id == id)
}

/// Earlier loyalty history of C12345, so the transactions query has something to show.
pub const SEED_TRANSACTIONS: [(&str, &str, &str, &str, i64, u64, &str); 3] = [
    // (customerId, transactionId, type, bookingId, points, miles, timestamp)
    (
        "C12345",
        "LT10001",
        "Credit",
        "BK10977",
        925,
        740,
        "2023-11-18T09:12:00Z",
    ),
    (
        "C12345",
        "LT10002",
        "Credit",
        "BK11204",
        3_094,
        2_475,
        "2023-12-21T16:40:00Z",
    ),
    (
        "C12345",
        "LT10003",
        "Redemption",
        "",
        -2_500,
        0,
        "2024-01-05T10:03:00Z",
    ),
];
