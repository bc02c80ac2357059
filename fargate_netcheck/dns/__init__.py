"""DNS: does a need's name resolve, inside a VPC, to where the path goes? (``resolve``)."""
