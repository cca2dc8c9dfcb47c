"""What every chapter uses: facts and streams, the person's view, months, money, effective-dated policy, errors."""
