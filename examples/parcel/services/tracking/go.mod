module example.com/parcel/tracking

go 1.26
